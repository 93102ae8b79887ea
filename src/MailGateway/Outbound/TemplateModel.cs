namespace ClpMailGateway.Outbound;

/// <summary>Values for <see cref="MailTemplates"/>: each a <see cref="string"/> or a list of nested models (a section).</summary>
public sealed class TemplateModel : Dictionary<string, object>
{
    public TemplateModel()
        : base(StringComparer.Ordinal)
    {
    }

    /// <summary>A section shown once when <paramref name="condition"/> holds, else not at all.</summary>
    public static IReadOnlyList<TemplateModel> If(bool condition) => condition ? [new TemplateModel()] : [];
}

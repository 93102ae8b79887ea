using System.ComponentModel.DataAnnotations;

namespace ClpMailGateway.Outbound;

/// <summary>How notification mails are written (section <c>Notifications</c>).</summary>
public sealed class NotificationOptions
{
    public const string SectionName = "Notifications";

    /// <summary>A message's files are attached to its notification only when together they are smaller than this;
    /// they are always listed with download links.</summary>
    [Range(0, long.MaxValue)]
    public long AttachFilesBelowBytes { get; set; } = 5 * 1024 * 1024;

    /// <summary>Attached files go out once per recipient (the outbox holds each file once, in its attachment row, and the
    /// sender fills it in): a post attaches its files only while (files × immediate recipients) stays under this; past it
    /// every mail carries links only.</summary>
    [Range(0, long.MaxValue)]
    public long AttachedCopiesBudgetBytes { get; set; } = 50L * 1024 * 1024;

    /// <summary>The language of the mails of a reader who chose none in settings and, for a vendor, has none of the
    /// shipped languages (<see cref="Localization.MailLanguages.Supported"/>).</summary>
    [Required]
    public string Language { get; set; } = Localization.MailLanguages.English;

    /// <summary>A folder of mail templates and strings to use instead of the shipped ones (<see cref="MailTemplates"/>);
    /// empty: the shipped ones. Checked when the gateway and the web start.</summary>
    public string? TemplateFolder { get; set; }

    /// <summary>The folder the templates are read from.</summary>
    public string TemplateFolderOrShipped => string.IsNullOrWhiteSpace(TemplateFolder) ? MailTemplates.ShippedFolder : TemplateFolder;
}

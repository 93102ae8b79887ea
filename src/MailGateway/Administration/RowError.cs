namespace ClpMailGateway.Administration;

/// <summary>Why one row (or the document) was refused: its section and index, the line it starts on when known, the field
/// and the reason in words.</summary>
public sealed record RowError(string Section, int Index, int? Line, string Field, string Reason)
{
    public override string ToString() =>
        $"{(Line is { } line ? $"line {line}, " : string.Empty)}{Section}[{Index}].{Field}: {Reason}";
}

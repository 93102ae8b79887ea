namespace ClpMailGateway.Parsing;

/// <summary>What the trimmer may know of a reply besides its text.</summary>
/// <param name="OwnDomain">The gateway's reply domain: a forward of a mail from it is history.</param>
/// <param name="SenderName">The display name of the reply's sender: Outlook marks inline answers with it.</param>
public sealed record ReplyContext(string? OwnDomain, string? SenderName);

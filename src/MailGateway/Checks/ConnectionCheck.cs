namespace ClpMailGateway.Checks;

/// <summary>One step of a connection check that went through: its kind (<c>smtp_connected</c>, <c>smtp_sent</c>,
/// <c>imap_connected</c>, <c>imap_folders</c>, <c>imap_mailbox</c>) and what it found, printed as one JSON line by
/// <c>smtp test</c> and <c>imap test</c> and shown on the web's quarantine page.</summary>
public sealed record ConnectionCheck(string Type, IReadOnlyDictionary<string, object?> Found);

/// <summary>A connection check failed; the message names the step and the cause in one line.</summary>
public sealed class ConnectionCheckException(string message, Exception? inner = null) : Exception(message, inner);

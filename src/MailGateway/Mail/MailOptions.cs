using System.ComponentModel.DataAnnotations;

namespace ClpMailGateway.Mail;

/// <summary>The gateway's mail identity (section <c>Mail</c>).</summary>
public sealed class MailOptions
{
    public const string SectionName = "Mail";

    /// <summary>The domain of reply addresses and notification senders.</summary>
    [Required]
    [RegularExpression(@"^[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?(\.[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?)+$", ErrorMessage = "Mail:Domain must be a domain name such as clp.test.")]
    public string Domain { get; set; } = "clp.test";

    /// <summary>The local part before <c>+TOKEN</c> in reply addresses: <c>reply</c> gives <c>reply+TOKEN@domain</c>.</summary>
    [Required]
    [RegularExpression("^[a-z0-9][a-z0-9._-]{0,14}$", ErrorMessage = "Mail:ReplyLocalPart must be 1-15 lower-case letters, digits, '.', '_' or '-'.")]
    public string ReplyLocalPart { get; set; } = "reply";

    /// <summary>From address of notifications and automatic mails; empty means <c>notifications@Domain</c>.</summary>
    public string NotificationsAddress { get; set; } = string.Empty;

    /// <summary>Display name of automatic mails from the gateway itself.</summary>
    public string GatewayName { get; set; } = "CLP Mail Gateway";

    /// <summary>Base address of the web view, for links in mails.</summary>
    [Required]
    [Url]
    public string WebBaseUrl { get; set; } = "http://127.0.0.1:5080";

    public string NotificationsFrom => string.IsNullOrWhiteSpace(NotificationsAddress) ? $"notifications@{Domain}" : NotificationsAddress;

    public string ReplyAddress(string token) => $"{ReplyLocalPart}+{token}@{Domain}";

    /// <summary>True for addresses that are the gateway itself (never answer those: mail loops).</summary>
    public bool IsOwnAddress(string address)
    {
        ArgumentNullException.ThrowIfNull(address);
        var normalized = address.Trim().ToLowerInvariant();
        var at = normalized.LastIndexOf('@');
        if (at <= 0)
        {
            return false;
        }

        var local = normalized[..at];
        var domain = normalized[(at + 1)..];
        if (normalized.Equals(NotificationsFrom, StringComparison.OrdinalIgnoreCase))
        {
            return true;
        }

        return domain.Equals(Domain, StringComparison.OrdinalIgnoreCase)
            && (local == ReplyLocalPart || local.StartsWith(ReplyLocalPart + "+", StringComparison.Ordinal)
                || local is "postmaster" or "mailer-daemon" or "notifications" or "no-reply" or "noreply");
    }
}

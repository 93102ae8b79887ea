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
}

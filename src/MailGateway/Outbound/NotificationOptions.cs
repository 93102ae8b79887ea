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

    /// <summary>The template folder (<c>Outbound/Templates/{Language}</c>) notifications and digests are written from.</summary>
    [Required]
    [RegularExpression("^[a-z]{2,3}(-[A-Za-z0-9]{2,8})*$", ErrorMessage = "Notifications:Language must be a language tag such as en.")]
    public string Language { get; set; } = "en";
}

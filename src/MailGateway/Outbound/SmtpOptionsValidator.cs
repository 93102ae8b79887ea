using Microsoft.Extensions.Options;

namespace ClpMailGateway.Outbound;

/// <summary>Rules of <see cref="SmtpOptions"/> that data annotations cannot say.</summary>
public sealed class SmtpOptionsValidator : IValidateOptions<SmtpOptions>
{
    /// <summary>The longest <see cref="SmtpOptions.OutcomeCommitWindow"/>: outcomes wait this long to be recorded.</summary>
    public static readonly TimeSpan MaxOutcomeCommitWindow = TimeSpan.FromSeconds(1);

    public ValidateOptionsResult Validate(string? name, SmtpOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        return options.OutcomeCommitWindow < TimeSpan.Zero || options.OutcomeCommitWindow > MaxOutcomeCommitWindow
            ? ValidateOptionsResult.Fail(
                $"Smtp:OutcomeCommitWindow is {options.OutcomeCommitWindow}; it must be from 00:00:00 (commit at once) to {MaxOutcomeCommitWindow} "
                + "(each accepted mail waits that long to be recorded as sent, and would be sent again after a crash in that time).")
            : ValidateOptionsResult.Success;
    }
}

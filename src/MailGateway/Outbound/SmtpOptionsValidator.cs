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
        if (options.OutcomeCommitWindow < TimeSpan.Zero || options.OutcomeCommitWindow > MaxOutcomeCommitWindow)
        {
            return ValidateOptionsResult.Fail(
                $"Smtp:OutcomeCommitWindow is {options.OutcomeCommitWindow}; it must be from 00:00:00 (commit at once) to {MaxOutcomeCommitWindow} "
                + "(each accepted mail waits that long to be recorded as sent, and would be sent again after a crash in that time).");
        }

        return options.CertificateSha256.Length > 0 && CertificatePin.Parse(options.CertificateSha256) is null
            ? ValidateOptionsResult.Fail(
                $"Smtp:CertificateSha256 is '{options.CertificateSha256}'; it must be the 64 hex digits of the certificate's SHA-256 "
                + "(colons and spaces allowed), e.g. from: openssl x509 -in cert.pem -noout -fingerprint -sha256")
            : ValidateOptionsResult.Success;
    }
}

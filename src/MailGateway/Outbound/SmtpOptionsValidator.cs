using ClpMailGateway.MailAuth;
using Microsoft.Extensions.Options;

namespace ClpMailGateway.Outbound;

/// <summary>Rules of <see cref="SmtpOptions"/> that data annotations cannot say.</summary>
public sealed class SmtpOptionsValidator : IValidateOptions<SmtpOptions>
{
    public ValidateOptionsResult Validate(string? name, SmtpOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var errors = new List<string>();
        if (options.Username.Length > 0 || options.AuthMechanism != MailAuthMechanism.Password)
        {
            MailLoginValidation.Validate(SmtpOptions.SectionName, options.Host, options.Security, options.AuthMechanism, options.Username, options.Password, options.OAuth2, errors);
        }

        if (options.CertificateSha256.Length > 0 && CertificatePin.Parse(options.CertificateSha256) is null)
        {
            errors.Add($"Smtp:CertificateSha256 is '{options.CertificateSha256}'; it must be the 64 hex digits of the certificate's SHA-256 "
                + "(colons and spaces allowed), e.g. from: openssl x509 -in cert.pem -noout -fingerprint -sha256");
        }

        if (options.ProtocolLog.Length > 0 && Path.GetDirectoryName(Path.GetFullPath(options.ProtocolLog)) is { } folder && !Directory.Exists(folder))
        {
            errors.Add($"Smtp:ProtocolLog '{options.ProtocolLog}': its folder does not exist.");
        }

        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }
}

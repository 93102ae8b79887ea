using System.Net.Security;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace ClpMailGateway.Outbound;

/// <summary>The certificate an MTA is trusted by (<see cref="SmtpOptions.CertificateSha256"/>): its SHA-256, accepted
/// in place of the system's trust, for exactly that certificate.</summary>
public static class CertificatePin
{
    /// <summary>The 32 bytes of a hex SHA-256 as <c>openssl x509 -fingerprint -sha256</c> prints it (colons and spaces
    /// allowed, any case, with or without its "sha256 Fingerprint=" label); null if it is not one.</summary>
    public static byte[]? Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var value = text.Trim();
        var label = value.IndexOf('=', StringComparison.Ordinal);
        if (label >= 0)
        {
            value = value[(label + 1)..];
        }

        var hex = value.Replace(":", string.Empty, StringComparison.Ordinal).Replace(" ", string.Empty, StringComparison.Ordinal);
        if (hex.Length != 64 || !hex.All(char.IsAsciiHexDigit))
        {
            return null;
        }

        return Convert.FromHexString(hex);
    }

    /// <summary>Whether the server's certificate is accepted: trusted by the system, or the pinned one.</summary>
    public static bool Accepts(X509Certificate? certificate, SslPolicyErrors errors, byte[]? pin) =>
        errors == SslPolicyErrors.None
        || (pin is not null && certificate is not null && CryptographicOperations.FixedTimeEquals(SHA256.HashData(certificate.GetRawCertData()), pin));
}

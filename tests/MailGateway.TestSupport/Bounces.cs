namespace ClpMailGateway.TestSupport;

/// <summary>Bounces as a receiving server writes them, for the tests of which bounces count.</summary>
public static class Bounces
{
    /// <summary>A DSN (RFC 3464) saying that mail to <paramref name="recipient"/> failed permanently, sent back to
    /// <paramref name="returnPath"/> (Dovecot names it in Delivered-To).</summary>
    public static byte[] Dsn(string returnPath, string recipient) => System.Text.Encoding.ASCII.GetBytes($"""
        Delivered-To: {returnPath}
        From: Mail Delivery System <MAILER-DAEMON@mx.vendor.example>
        To: {returnPath}
        Subject: Undelivered Mail Returned to Sender
        Message-ID: <{Guid.NewGuid():N}@mx.vendor.example>
        MIME-Version: 1.0
        Content-Type: multipart/report; report-type=delivery-status; boundary="b"

        --b
        Content-Type: text/plain

        Your message could not be delivered.
        --b
        Content-Type: message/delivery-status

        Reporting-MTA: dns; mx.vendor.example

        Final-Recipient: rfc822; {recipient}
        Action: failed
        Status: 5.1.1
        --b--

        """.ReplaceLineEndings("\r\n"));
}

using System.ComponentModel.DataAnnotations;

namespace ClpMailGateway.Authentication;

/// <summary>Who may post by mail, and how much (section <c>Inbound</c>).</summary>
public sealed class InboundOptions
{
    public const string SectionName = "Inbound";

    public SenderAuthenticationMode SenderAuthentication { get; set; } = SenderAuthenticationMode.Require;

    /// <summary>The authserv-id(s) of the receiving MX whose <c>Authentication-Results</c> are trusted (RFC 8601), e.g.
    /// <c>mx.example.com</c>. Results under any other id, and copies below the topmost trusted one, are ignored. The MX
    /// must remove incoming headers that carry its own id (OpenDKIM and OpenDMARC do by default). Empty: the gateway
    /// verifies DKIM itself.</summary>
    public List<string> TrustedAuthServIds { get; set; } = [];

    /// <summary>DNS servers (<c>host</c> or <c>host:port</c>) for the DKIM keys the gateway verifies itself; empty: the
    /// system's.</summary>
    public List<string> DnsServers { get; set; } = [];

    /// <summary>How long a DKIM key (or its absence) is remembered.</summary>
    [Range(typeof(TimeSpan), "00:00:00", "1.00:00:00")]
    public TimeSpan DkimKeyCacheLifetime { get; set; } = TimeSpan.FromHours(1);

    /// <summary>How long a DNS lookup of a DKIM key may take.</summary>
    [Range(typeof(TimeSpan), "00:00:00.100", "00:00:30")]
    public TimeSpan DnsTimeout { get; set; } = TimeSpan.FromSeconds(3);

    /// <summary>Posts by mail one sender may make in one channel per hour; more are quarantined as <c>rate_limited</c>.</summary>
    [Range(1, 1_000_000)]
    public int PostsPerSenderPerChannelPerHour { get; set; } = 20;

    /// <summary>Posts by mail one sender may make in all per hour.</summary>
    [Range(1, 1_000_000)]
    public int PostsPerSenderPerHour { get; set; } = 60;

    /// <summary>A reply whose text repeats the same sender's post in the same channel within this time is held as
    /// <c>duplicate_post</c> (an auto-responder answering its own notifications).</summary>
    [Range(typeof(TimeSpan), "00:00:00", "7.00:00:00")]
    public TimeSpan DuplicateWindow { get; set; } = TimeSpan.FromHours(24);

    /// <summary>Rejection mails the gateway sends per hour at most, to everyone together.</summary>
    [Range(0, 100_000)]
    public int RejectionsPerHour { get; set; } = 100;

    /// <summary>Rejection mails one address gets per day at most (and one per reason).</summary>
    [Range(0, 1000)]
    public int RejectionsPerAddressPerDay { get; set; } = 3;
}

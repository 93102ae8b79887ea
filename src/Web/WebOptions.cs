using System.ComponentModel.DataAnnotations;

namespace ClpMailGateway.Web;

/// <summary>Settings of the web view (section <c>Web</c>).</summary>
public sealed class WebOptions
{
    public const string SectionName = "Web";

    /// <summary>Lets anyone pick a listed account and sign in without mail. Only for the demo (<c>scripts/up</c>).</summary>
    public bool DemoMode { get; set; }

    /// <summary>The IMAP server (host:port) that holds the demo mailboxes, shown on the demo's home page.</summary>
    public string DemoMailServer { get; set; } = "127.0.0.1:1143";

    /// <summary>How long a mailed sign-in link works.</summary>
    [Range(typeof(TimeSpan), "00:01:00", "1.00:00:00", ErrorMessage = "Web:SignInLinkLifetime must be between one minute and one day.")]
    public TimeSpan SignInLinkLifetime { get; set; } = TimeSpan.FromMinutes(15);

    /// <summary>Sign-in links mailed to one address per hour at most; further requests get the same page and no mail.</summary>
    [Range(1, 100)]
    public int SignInLinksPerHour { get; set; } = 5;

    /// <summary>Messages shown per page of a conversation.</summary>
    [Range(5, 500)]
    public int MessagesPerPage { get; set; } = 30;

    /// <summary>Search results shown for one query.</summary>
    [Range(5, 500)]
    public int SearchResults { get; set; } = 50;

    /// <summary>Reverse proxies (IP addresses) whose X-Forwarded-For and X-Forwarded-Proto are believed; nobody else's.</summary>
    public List<string> KnownProxies { get; set; } = [];

    /// <summary>Networks (CIDR, e.g. <c>10.0.0.0/8</c>) of such proxies.</summary>
    public List<string> KnownNetworks { get; set; } = [];

    /// <summary>Sign-in requests one client (IP address) may make per minute.</summary>
    [Range(1, 10_000)]
    public int SignInRequestsPerMinute { get; set; } = 10;

    /// <summary>Searches one signed-in user may run per minute.</summary>
    [Range(1, 100_000)]
    public int SearchesPerMinute { get; set; } = 60;

    /// <summary>Posts one signed-in user may make on the web per minute.</summary>
    [Range(1, 100_000)]
    public int PostsPerMinute { get; set; } = 30;

    /// <summary>Requests one API key may make to <c>/api/v1</c> per minute.</summary>
    [Range(1, 100_000)]
    public int ApiRequestsPerMinute { get; set; } = 120;

    /// <summary>The largest body the sync API reads (an import of some thousands of rows is well under a megabyte).</summary>
    [Range(1024, 256L * 1024 * 1024)]
    public long ApiMaxBodyBytes { get; set; } = 8L * 1024 * 1024;
}

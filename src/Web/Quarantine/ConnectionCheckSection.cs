using System.Collections;
using System.Globalization;
using System.Text;
using ClpMailGateway.Checks;
using ClpMailGateway.Web.Layout;

namespace ClpMailGateway.Web.Quarantine;

/// <summary>The quarantine page's connection checks: the same checks and results as <c>imap test</c> and <c>smtp test</c>
/// (<see cref="ConnectionChecks"/>), run when an admin asks, a test mail sent only to an address they give.</summary>
public static class ConnectionCheckSection
{
    /// <summary>The outcome of one check: its steps, or the one line that says what failed.</summary>
    public sealed record Result(string Name, IReadOnlyList<ConnectionCheck> Steps, string? Failure);

    public static async Task<IReadOnlyList<Result>> RunAsync(ConnectionChecks checks, string? to, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(checks);
        var address = string.IsNullOrWhiteSpace(to) ? null : to.Trim();
        var imap = await CatchAsync("IMAP (the gateway mailbox)", () => checks.ImapAsync(cancellationToken));
        if (address is not null && !(MimeKit.MailboxAddress.TryParse(address, out var mailbox) && mailbox.Address.Contains('@', StringComparison.Ordinal)))
        {
            return [imap, new Result("SMTP (the relay)", [], $"smtp test: '{address}' is not a mail address")];
        }

        // The SMTP clients block: on a thread of their own, not a request thread.
        var smtp = await CatchAsync("SMTP (the relay)", () => Task.Factory.StartNew(
            () => checks.Smtp(address, cancellationToken), cancellationToken, TaskCreationOptions.LongRunning, TaskScheduler.Default));
        return [imap, smtp];
    }

    public static void Append(StringBuilder html, HttpContext context, IReadOnlyList<Result>? results)
    {
        ArgumentNullException.ThrowIfNull(html);
        html.Append("<h2>Connection checks</h2><p>Whether the gateway reaches and logs in to its mailbox and its relay with its settings, and what they offer (the same as <code>imap test</code> and <code>smtp test</code>).</p>")
            .Append("<form method=\"post\" action=\"/quarantine/checks\">").Append(Forms.Antiforgery(context))
            .Append("<label for=\"check-to\">Send a test mail to (optional)</label><input id=\"check-to\" name=\"to\" type=\"email\" autocomplete=\"email\">")
            .Append("<button type=\"submit\" class=\"secondary\">Check the connections</button></form>");
        foreach (var result in results ?? [])
        {
            html.Append("<h3>").Append(Html.E(result.Name)).Append("</h3>");
            if (result.Failure is { } failure)
            {
                html.Append("<div class=\"notice warn\" role=\"status\"><p>Failed: ").Append(Html.E(failure)).Append("</p></div>");
            }
            else
            {
                html.Append("<div class=\"notice\" role=\"status\"><p>Connected.</p></div>");
            }

            foreach (var step in result.Steps)
            {
                html.Append("<dl class=\"facts\" data-check=\"").Append(Html.E(step.Type)).Append("\">");
                foreach (var (key, value) in step.Found)
                {
                    html.Append("<dt>").Append(Html.E(key)).Append("</dt><dd>").Append(Html.E(Show(value))).Append("</dd>");
                }

                html.Append("</dl>");
            }
        }
    }

    private static async Task<Result> CatchAsync(string name, Func<Task<IReadOnlyList<ConnectionCheck>>> check)
    {
        try
        {
            return new Result(name, await check(), null);
        }
        catch (ConnectionCheckException ex)
        {
            return new Result(name, [], ex.Message);
        }
        catch (Microsoft.Extensions.Options.OptionsValidationException ex)
        {
            return new Result(name, [], ex.Message);
        }
    }

    private static string Show(object? value) => value switch
    {
        null => "—",
        bool b => b ? "yes" : "no",
        string text => text,
        IEnumerable items => string.Join(", ", items.Cast<object?>().Select(Show)),
        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
        _ => value.ToString() ?? string.Empty,
    };
}

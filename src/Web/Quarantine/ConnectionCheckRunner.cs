using ClpMailGateway.Checks;

namespace ClpMailGateway.Web.Quarantine;

/// <summary>The quarantine page's connection checks: the same checks and results as <c>imap test</c> and <c>smtp test</c>
/// (<see cref="Checks.ConnectionChecks"/>), run when an admin asks, a test mail sent only to an address they give.</summary>
public static class ConnectionCheckRunner
{
    public static async Task<IReadOnlyList<ConnectionCheckSection.Result>> RunAsync(ConnectionChecks checks, string? to, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(checks);
        var address = string.IsNullOrWhiteSpace(to) ? null : to.Trim();
        var imap = await CatchAsync("ImapCheck", () => checks.ImapAsync(cancellationToken));
        if (address is not null && !(MimeKit.MailboxAddress.TryParse(address, out var mailbox) && mailbox.Address.Contains('@', StringComparison.Ordinal)))
        {
            return [imap, new ConnectionCheckSection.Result("SmtpCheck", [], $"smtp test: '{address}' is not a mail address")];
        }

        // The SMTP clients block: on a thread of their own, not a request thread.
        var smtp = await CatchAsync("SmtpCheck", () => Task.Factory.StartNew(
            () => checks.Smtp(address, cancellationToken), cancellationToken, TaskCreationOptions.LongRunning, TaskScheduler.Default));
        return [imap, smtp];
    }

    private static async Task<ConnectionCheckSection.Result> CatchAsync(string name, Func<Task<IReadOnlyList<ConnectionCheck>>> check)
    {
        try
        {
            return new ConnectionCheckSection.Result(name, await check(), null);
        }
        catch (ConnectionCheckException ex)
        {
            return new ConnectionCheckSection.Result(name, [], ex.Message);
        }
        catch (Microsoft.Extensions.Options.OptionsValidationException ex)
        {
            return new ConnectionCheckSection.Result(name, [], ex.Message);
        }
    }
}

using System.Threading.Channels;
using ClpMailGateway.Mail;
using ClpMailGateway.Outbound;
using ClpMailGateway.Storage;
using Microsoft.Extensions.Options;

namespace ClpMailGateway.Web.SignIn;

/// <summary>
/// Writes sign-in links and their mails in the background, so that asking for a link answers in the same time whether
/// the address has an account or not (the answer page is the same too): the request only queues the address. The queue
/// is bounded; when it is full (a flood the per-client limit did not stop) further requests are dropped, and the person
/// asks again.
/// </summary>
public sealed class SignInMailer(IServiceScopeFactory scopes, ILogger<SignInMailer> logger) : BackgroundService
{
    public const int QueueLength = 1000;

    private readonly Channel<(string Address, string? ReturnUrl, string? BrowserLanguage)> _queue =
        Channel.CreateBounded<(string, string?, string?)>(new BoundedChannelOptions(QueueLength) { FullMode = BoundedChannelFullMode.DropWrite, SingleReader = true });

    private long _handled;

    /// <summary>Queues a request; false when the queue is full and it was dropped.</summary>
    /// <param name="browserLanguage">The language the page was shown in: the mail's, when the person chose none.</param>
    public bool Request(string address, string? returnUrl, string? browserLanguage = null) => _queue.Writer.TryWrite((address, returnUrl, browserLanguage));

    /// <summary>How many requests have been handled (mailed, or found to need no mail) since the start.</summary>
    internal long Handled => Interlocked.Read(ref _handled);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        await foreach (var (address, returnUrl, browserLanguage) in _queue.Reader.ReadAllAsync(stoppingToken))
        {
            try
            {
                await using var scope = scopes.CreateAsyncScope();
                var services = scope.ServiceProvider;
                await SignInEndpoints.MailLinkAsync(
                    services.GetRequiredService<GatewayDbContext>(), services.GetRequiredService<IOptions<WebOptions>>().Value,
                    services.GetRequiredService<IOptions<MailOptions>>().Value, services.GetRequiredService<MailTemplates>(),
                    services.GetRequiredService<IOptions<NotificationOptions>>().Value.Language, services.GetRequiredService<TimeProvider>(), address, returnUrl,
                    browserLanguage, stoppingToken);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                // One failed request (the database unavailable for a moment) does not stop the others.
                logger.LogError(ex, "A sign-in link could not be written");
            }
            finally
            {
                Interlocked.Increment(ref _handled);
            }
        }
    }
}

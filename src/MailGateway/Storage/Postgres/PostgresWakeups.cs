using System.Globalization;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace ClpMailGateway.Storage.Postgres;

/// <summary>
/// Wake-ups through <c>NOTIFY clp_wakeup</c>: every process that listens (<see cref="PostgresWakeupListener"/>, in
/// <c>run</c>) hears them; the publishing process is told at once as well.
/// </summary>
public sealed class PostgresWakeups(GatewayConnectionString database, ILogger<PostgresWakeups> logger) : IWakeups
{
    public const string Channel = "clp_wakeup";

    public event Action<Wakeup>? Received;

    public async Task PublishAsync(Wakeup wakeup, CancellationToken cancellationToken)
    {
        if (!ForOthersOnly(wakeup))
        {
            Raise(wakeup);
        }

        try
        {
            await using var connection = new NpgsqlConnection(database.Value);
            await connection.OpenAsync(cancellationToken);
            await using var command = new NpgsqlCommand("SELECT pg_notify(@channel, @what)", connection);
            command.Parameters.AddWithValue("channel", Channel);
            command.Parameters.AddWithValue("what", ((int)wakeup).ToString(CultureInfo.InvariantCulture) + ":" + GatewayProcess.Id);
            await command.ExecuteNonQueryAsync(cancellationToken);
        }
        catch (NpgsqlException ex)
        {
            // What was committed stays committed; the other processes find it on their next scheduled run.
            logger.LogWarning("Wake-up {Wakeup} not sent to the other processes: {Error}", wakeup, ex.Message);
        }
    }

    internal void Raise(Wakeup wakeup) => Received?.Invoke(wakeup);

    /// <summary>Stored mails are threaded by the poll that stored them: the wake-up is for the other processes only (this
    /// one threading them too would parse the same mails twice on its own cores).</summary>
    public static bool ForOthersOnly(Wakeup wakeup) => wakeup == Wakeup.Stored;

    /// <summary>Reads a notification's payload (<c>kind:process</c>); null for one this process need not act on.</summary>
    public static Wakeup? Parse(string payload)
    {
        var colon = payload.IndexOf(':', StringComparison.Ordinal);
        var kind = colon < 0 ? payload : payload[..colon];
        if (!int.TryParse(kind, NumberStyles.None, CultureInfo.InvariantCulture, out var value) || !Enum.IsDefined((Wakeup)value))
        {
            return null;
        }

        var fromHere = colon >= 0 && payload.AsSpan(colon + 1).SequenceEqual(GatewayProcess.Id);
        return fromHere && ForOthersOnly((Wakeup)value) ? null : (Wakeup)value;
    }
}

/// <summary>Listens for the other processes' wake-ups on a connection of its own, reconnecting when it fails.</summary>
public sealed class PostgresWakeupListener(GatewayConnectionString database, PostgresWakeups wakeups, ILogger<PostgresWakeupListener> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await using var connection = new NpgsqlConnection(
                    new NpgsqlConnectionStringBuilder(database.Value) { Pooling = false, ApplicationName = "clp-wakeups", KeepAlive = 5 }.ConnectionString);
                await connection.OpenAsync(stoppingToken);
                connection.Notification += (_, e) =>
                {
                    if (PostgresWakeups.Parse(e.Payload) is { } wakeup)
                    {
                        wakeups.Raise(wakeup);
                    }
                };
                await using (var listen = new NpgsqlCommand($"LISTEN {PostgresWakeups.Channel}", connection))
                {
                    await listen.ExecuteNonQueryAsync(stoppingToken);
                }

                // Anything committed while nobody listened: the scheduled jobs would find it too, this finds it now.
                wakeups.Raise(Wakeup.Posted);
                wakeups.Raise(Wakeup.Queued);
                while (!stoppingToken.IsCancellationRequested)
                {
                    await connection.WaitAsync(stoppingToken);
                }
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex) when (ex is NpgsqlException or IOException or InvalidOperationException)
            {
                logger.LogWarning("Listening for wake-ups failed ({Error}); listening again in 1 s", ex.Message);
                await Task.Delay(TimeSpan.FromSeconds(1), stoppingToken);
            }
        }
    }
}

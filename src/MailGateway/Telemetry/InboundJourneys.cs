using System.Diagnostics;
using System.Runtime.CompilerServices;
using System.Text.Json;
using ClpMailGateway.Domain;

namespace ClpMailGateway.Telemetry;

/// <summary>
/// One activity per inbound mail (<c>inbound mail</c>, source <see cref="TelemetryNames.MailSource"/>), from the fetch of
/// its batch to its outcome: events for its fetch, store and parse, a child span for its threading, and the outcome
/// (posted, ignored, quarantined) as tags. The activity travels with the fetched bytes (the same array the stored row
/// and the parse ahead keep), so nothing changes in the pipeline's signatures; a mail threaded later (after a crash, by
/// another process, replayed) continues the trace whose ids its stored trace holds (<see cref="InboundTrace"/>).
/// Without a listener (a command outside <c>run</c>) the activity is made anyway, unexported, so the ids in the log and
/// in the quarantine's trace still name the mail's trace.
/// </summary>
public static class InboundJourneys
{
    public const string ActivityName = "inbound mail";

    private static readonly ConditionalWeakTable<byte[], Journey> Journeys = new();

    /// <summary>A mail's bytes have been fetched: its activity starts at <paramref name="fetchStartedUtc"/>, when its batch's
    /// fetch began; <paramref name="arrivedAtUtc"/> is when it arrived in the mailbox (its INTERNALDATE), if known.</summary>
    public static void Fetched(byte[] raw, long uid, DateTime fetchStartedUtc, DateTime? arrivedAtUtc)
    {
        ArgumentNullException.ThrowIfNull(raw);
        if (raw.Length == 0)
        {
            return;
        }

        var activity = Start(default, fetchStartedUtc);
        activity.SetTag("clp.inbound.uid", uid);
        activity.AddEvent(new ActivityEvent("fetched"));
        Journeys.AddOrUpdate(raw, new Journey(activity, arrivedAtUtc));
    }

    /// <summary>The journey that began with these fetched bytes in this process, or null.</summary>
    public static Journey? Of(byte[] raw) => raw is { Length: > 0 } && Journeys.TryGetValue(raw, out var journey) ? journey : null;

    /// <summary>The activity to thread <paramref name="mail"/> under: the one begun at its fetch in this process, else a
    /// new one continuing the trace its stored trace names (or a new trace when it names none).</summary>
    public static Activity Resume(InboundMail mail)
    {
        ArgumentNullException.ThrowIfNull(mail);
        if (Of(mail.Raw) is { Activity: { } fetched } && fetched.Duration == TimeSpan.Zero)
        {
            return fetched;
        }

        var resumed = Start(StoredContext(mail.Trace), null);
        resumed.SetTag("clp.inbound.uid", mail.Uid);
        return resumed;
    }

    /// <summary>The mail's arrival in the mailbox, as known in this process, else when it was stored.</summary>
    public static DateTime ArrivedAtUtc(InboundMail mail)
    {
        ArgumentNullException.ThrowIfNull(mail);
        return Of(mail.Raw)?.ArrivedAtUtc ?? mail.ReceivedAtUtc;
    }

    /// <summary>The trace and span ids its stored trace names first (written by <see cref="InboundTrace"/>), or default.</summary>
    public static ActivityContext StoredContext(string? trace)
    {
        if (string.IsNullOrEmpty(trace) || !trace.Contains("\"trace_id\"", StringComparison.Ordinal))
        {
            return default;
        }

        try
        {
            using var document = JsonDocument.Parse(trace);
            if (document.RootElement.ValueKind != JsonValueKind.Array)
            {
                return default;
            }

            foreach (var entry in document.RootElement.EnumerateArray())
            {
                if (entry.ValueKind == JsonValueKind.Object
                    && entry.TryGetProperty("trace_id", out var traceId) && traceId.GetString() is { Length: 32 } traceText
                    && entry.TryGetProperty("span_id", out var spanId) && spanId.GetString() is { Length: 16 } spanText
                    && IsHex(traceText) && IsHex(spanText))
                {
                    return new ActivityContext(ActivityTraceId.CreateFromString(traceText), ActivitySpanId.CreateFromString(spanText), ActivityTraceFlags.Recorded);
                }
            }
        }
        catch (JsonException)
        {
        }

        return default;
    }

    /// <summary>The trace id its stored trace names first, or null.</summary>
    public static string? StoredTraceId(string? trace) => StoredContext(trace) is { TraceId: var id } context && context != default ? id.ToHexString() : null;

    private static bool IsHex(string text) => text.All(char.IsAsciiHexDigitLower) && text.Any(c => c != '0');

    /// <summary>A new activity, a root (never the child of whatever is current) unless <paramref name="parent"/> is given,
    /// recorded by the gateway's source when something listens, else made by hand for its ids alone.</summary>
    private static Activity Start(ActivityContext parent, DateTime? startUtc)
    {
        var previous = Activity.Current;
        Activity.Current = null;
        try
        {
            var start = startUtc is { } at ? new DateTimeOffset(DateTime.SpecifyKind(at, DateTimeKind.Utc)) : default;
            var activity = TelemetryHosting.MailSource.StartActivity(ActivityName, ActivityKind.Consumer, parent, startTime: start);
            if (activity is null)
            {
                activity = new Activity(ActivityName);
                activity.SetIdFormat(ActivityIdFormat.W3C);
                if (parent != default)
                {
                    activity.SetParentId(parent.TraceId, parent.SpanId, parent.TraceFlags);
                }

                if (startUtc is { } startAt)
                {
                    activity.SetStartTime(DateTime.SpecifyKind(startAt, DateTimeKind.Utc));
                }

                activity.Start();
            }

            return activity;
        }
        finally
        {
            Activity.Current = previous;
        }
    }

    /// <summary>A mail's activity and its arrival in the mailbox.</summary>
    public sealed record Journey(Activity Activity, DateTime? ArrivedAtUtc);
}

using ClpMailGateway.Authentication;
using ClpMailGateway.Unsubscribe;
using ClpMailGateway.Domain;
using ClpMailGateway.Inbound;
using ClpMailGateway.Localization;
using ClpMailGateway.Links;
using ClpMailGateway.Mail;
using ClpMailGateway.Outbound;
using ClpMailGateway.Parsing;
using ClpMailGateway.Permissions;
using ClpMailGateway.Posting;
using ClpMailGateway.Storage;
using ClpMailGateway.Tokens;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using MimeKit;

namespace ClpMailGateway.Threading;

/// <summary>
/// Decides what one stored inbound mail becomes: a post in the right channel as the right person, an ignored
/// auto-reply or bounce, or a quarantined mail with its reason and one rejection mail to its sender. Changes are made
/// on the given DbContext; the caller commits them in one transaction with the post.
/// </summary>
public sealed class ReplyThreader(
    GatewayDbContext db,
    MessagePoster poster,
    ReplyTokenService tokens,
    BounceRecorder bounces,
    UnsubscribeService unsubscribe,
    LookupCache cache,
    IReplyLanguageDetector languageDetector,
    SenderAuthenticator authenticator,
    IOptions<InboundOptions> inboundOptions,
    IOptions<ReplyTokenOptions> tokenLifetime,
    IOptions<MailOptions> mailOptions,
    IOptions<NotificationOptions> notificationOptions,
    MailTemplates templates,
    TimeProvider timeProvider,
    ILogger<ReplyThreader> logger)
{
    /// <summary>Whether the channel has a message from this mail already: a plain statement on the unique index
    /// (EF's compiled query cost ~0.1 ms a mail on the serial path, five times the statement's).</summary>
    private Task<bool> AlreadyPostedAsync(int channelId, string sourceId, CancellationToken cancellationToken) =>
        db.Dialect.Queries.AlreadyPostedAsync(db, channelId, sourceId, cancellationToken);

    /// <summary>Takes the rejection mails' limits for this transaction, so that two processes cannot both pass them;
    /// always true (it reads as one more condition of the check).</summary>
    private async Task<bool> LockRejectionsAsync(CancellationToken cancellationToken)
    {
        await db.Dialect.Locks.LockAsync(db, "rejection-mails", cancellationToken);
        return true;
    }

    private MailOptions Options => mailOptions.Value;

    private InboundOptions Inbound => inboundOptions.Value;

    /// <summary>The sender authentication of the mail being threaded, once worked out (it may take DNS lookups).</summary>
    private (InboundMail Mail, SenderAuthentication Result)? _authenticated;

    public Task ThreadAsync(InboundMail mail, CancellationToken cancellationToken) => ThreadAsync(mail, null, null, cancellationToken);

    public Task ThreadAsync(InboundMail mail, ParsedReply? parsed, CancellationToken cancellationToken) => ThreadAsync(mail, parsed, null, cancellationToken);

    /// <summary>Parses and classifies a mail held in memory (its raw bytes, before or after it is stored): pure work, done
    /// by the inbound pipeline on another core while a group of mails is in its transaction.</summary>
    /// <returns>Null when there are no bytes or they could not be parsed here: <see cref="ThreadAsync(InboundMail, ParsedReply?, CancellationToken)"/>
    /// then parses the mail itself and records what went wrong.</returns>
    public static ParsedReply? TryParse(byte[] raw, MailOptions options)
    {
        ArgumentNullException.ThrowIfNull(raw);
        ArgumentNullException.ThrowIfNull(options);
        if (raw.Length == 0)
        {
            return null;
        }

        try
        {
            return Parse(new MemoryStream(raw, writable: false), options, decodeFiles: true, CancellationToken.None);
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            return null;
        }
    }

    /// <summary>Parses and classifies a mail read from a seekable stream, parsed in place (the stream stays open, and is
    /// not used by anything else, while the result is in use): what <see cref="TryParse"/> does, letting its errors
    /// through. The inbound pipeline calls it on <see cref="BoundedParser"/>'s threads, within its limits.</summary>
    /// <param name="decodeFiles">Also decode the reply's files into memory (a mail held in memory only).</param>
    /// <param name="cancellationToken">Stops the analysis in its long loops (a parse over its time limit).</param>
    public static ParsedReply Parse(Stream raw, MailOptions options, bool decodeFiles, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(raw);
        ArgumentNullException.ThrowIfNull(options);
        var message = RawMessage.Load(raw);
        var analysis = ReplyAnalyzer.Analyze(message, options.ReplyLocalPart, options.Domain, cancellationToken);
        return new ParsedReply(message, analysis) { Files = decodeFiles ? DecodeFiles(analysis) : null };
    }

    /// <summary>The files of a reply decoded into memory, when the reply may be posted with them (pure work, done ahead
    /// with the parse): decoding base64 through MimeKit's streams while the post is written, once to hash a file and once
    /// more to write a large one into its row, was most of what a post with files cost inside its transaction. A mail
    /// parsed ahead is held in memory already (less than <see cref="Inbound.ImapPoller.StreamedFetchBytes"/>), so its
    /// files are smaller still; null when there is nothing to post or a file is over the limit.</summary>
    private static byte[][]? DecodeFiles(ReplyAnalysis analysis)
    {
        if (analysis.Kind != ReplyKind.Reply || analysis.Attachments.Count == 0
            || analysis.Attachments.Any(a => a.SizeBytes > PostingLimits.MaxAttachmentBytes || a.Part.Content is null))
        {
            return null;
        }

        return analysis.Attachments.Select(a =>
        {
            using var decoded = new MemoryStream((int)a.SizeBytes);
            a.Part.Content!.DecodeTo(decoded);
            return decoded.Length == decoded.Capacity ? decoded.GetBuffer() : decoded.ToArray();
        }).ToArray();
    }

    /// <param name="parsed">The mail as <see cref="TryParse"/> gave it, or null to parse it here.</param>
    /// <param name="channelOverride">A channel of the reply token's title an operator chose for the reply (the
    /// quarantine's "post to"), instead of the token's channel and its routing; permission is decided as for any reply.</param>
    public async Task ThreadAsync(InboundMail mail, ParsedReply? parsed, int? channelOverride, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(mail);
        MimeMessage message;
        // A large mail stored as it was fetched is not in memory: it is parsed in place from its row, which stays open
        // (and unchanged) while the mail is threaded.
        await using var stored = parsed is null && mail.Raw.Length == 0 && mail.SizeBytes > 0 ? InboundStore.OpenRaw(db, mail.Id) : null;
        try
        {
            message = parsed?.Message ?? (stored is null ? RawMessage.Load(mail.Raw) : RawMessage.Load(stored));
        }
        catch (FormatException ex)
        {
            Finish(mail, InboundStatus.Rejected, RejectReasons.Unparseable, "The mail could not be read as MIME: " + ex.Message);
            return;
        }

        var analysis = parsed?.Analysis ?? ReplyAnalyzer.Analyze(message, Options.ReplyLocalPart, Options.Domain, cancellationToken);
        mail.Kind = analysis.Kind switch
        {
            ReplyKind.Reply => "reply",
            ReplyKind.AutoReply => "auto_reply",
            ReplyKind.Bounce => "bounce",
            _ => "not_a_reply",
        };
        Trace(mail, "classified", $"{mail.Kind}{(analysis.Token is null ? string.Empty : ", token present")}, {analysis.Attachments.Count} attachments");
        foreach (var note in analysis.Notes)
        {
            Trace(mail, "read", note);
        }

        if (LoopMarker.IsOurs(message, Options))
        {
            // Our own mail come back (an auto-responder or a forward that kept our X-Loop): answering it would loop.
            Finish(mail, InboundStatus.Ignored, RejectReasons.Loop, "The mail carries our own X-Loop marker: never posted, nobody told.");
            return;
        }

        switch (analysis.Kind)
        {
            case ReplyKind.AutoReply:
                Finish(mail, InboundStatus.Ignored, "auto_reply", "Automatic reply: never posted, nobody told.");
                return;
            case ReplyKind.Bounce:
                // The notification fan-out reads suppression afresh for each message: no cached audience to forget.
                Finish(mail, InboundStatus.Ignored, "bounce", await bounces.RecordAsync(message, analysis, cancellationToken));
                return;
            case ReplyKind.NotAReply when UnsubscribeRequest(message) is { } unsubscribeToken
                && await ApplyUnsubscribeAsync(unsubscribeToken, cancellationToken) is { IsValid: true } unsubscribed:
                Finish(mail, InboundStatus.Ignored, "unsubscribed",
                    $"List-Unsubscribe mailto: user {unsubscribed.Target.UserId}, {unsubscribed.Description}: {unsubscribed.Outcome}.");
                return;
            case ReplyKind.NotAReply when analysis.NotAReplyReason is "read receipt" or "calendar response" or "recall request":
                Finish(mail, InboundStatus.Ignored, "not_a_reply", $"A {analysis.NotAReplyReason} sent by the mail client: never posted, nobody told.");
                return;
            case ReplyKind.NotAReply when await DigestRepliedToAsync(message, cancellationToken) is var (digestDetail, digestChannels) && digestDetail is not null:
                await RejectAsync(mail, message, analysis, RejectReasons.DigestReply, digestDetail, cancellationToken, digestChannels);
                return;
            case ReplyKind.NotAReply:
                var malformed = message.To.Mailboxes.Concat(message.Cc.Mailboxes)
                    .Any(m => m.Address.StartsWith(Options.ReplyLocalPart + "+", StringComparison.OrdinalIgnoreCase));
                await RejectAsync(
                    mail,
                    message,
                    analysis,
                    malformed ? RejectReasons.MalformedToken : RejectReasons.NoToken,
                    malformed
                        ? "The reply address of your mail is damaged, so it cannot be matched to a conversation."
                        : "Your mail was not a reply to a notification, so it cannot be matched to a conversation.",
                    cancellationToken);
                return;
        }

        await ThreadReplyAsync(mail, message, analysis, parsed?.Files, channelOverride, cancellationToken);
    }

    /// <param name="decoded">The files decoded ahead (<see cref="ParsedReply.Files"/>), or null to decode them here.</param>
    private async Task ThreadReplyAsync(
        InboundMail mail, MimeMessage message, ReplyAnalysis analysis, IReadOnlyList<byte[]>? decoded, int? channelOverride, CancellationToken cancellationToken)
    {
        var verification = await tokens.VerifyAsync(analysis.Token, cancellationToken);
        if (!verification.IsValid)
        {
            var (reason, detail) = verification.Problem switch
            {
                TokenProblem.Malformed => (RejectReasons.MalformedToken, "The reply address of your mail is damaged, so it cannot be matched to a conversation."),
                TokenProblem.UnknownKey => (RejectReasons.ExpiredToken, "The reply address of your mail has expired."),
                TokenProblem.Revoked => (RejectReasons.RevokedToken, "The reply address of your mail has been revoked."),
                TokenProblem.Expired => (RejectReasons.ExpiredToken,
                    $"The reply address of your mail has expired: no notification has carried it for {tokenLifetime.Value.Lifetime.TotalDays:0} days."),
                _ => (RejectReasons.InvalidToken, "The reply address of your mail is not one the platform issued."),
            };
            await RejectAsync(mail, message, analysis, reason, detail, cancellationToken);
            return;
        }

        mail.UserId = verification.UserId;
        mail.ChannelId = verification.ChannelId;
        var user = await cache.GetAsync(
            "user-emails", verification.UserId, () => db.Users.AsNoTracking().Include(u => u.Emails).SingleAsync(u => u.Id == verification.UserId, cancellationToken));
        if (Inbound.SenderAuthentication != SenderAuthenticationMode.Off)
        {
            var authenticated = await AuthenticateAsync(mail, message, cancellationToken);
            if (!authenticated.Passed && Inbound.SenderAuthentication == SenderAuthenticationMode.Require)
            {
                // Silently: a forger learns nothing, and nobody else gets mail about it.
                Finish(mail, InboundStatus.Rejected, RejectReasons.SenderUnauthenticated, "The sender could not be authenticated: " + authenticated.Detail);
                return;
            }
        }

        var sender = message.From.Mailboxes.FirstOrDefault()?.Address is { } fromAddress ? EmailAddress.Normalize(fromAddress) : null;
        if (sender is null || message.From.Count != 1 || !user.Emails.Any(e => e.Address == sender && e.VerifiedAtUtc != null))
        {
            await RejectAsync(
                mail,
                message,
                analysis,
                RejectReasons.SenderMismatch,
                $"The notification you answered was sent to another address than the one your mail came from ({sender ?? "no sender"}).",
                cancellationToken,
                new RejectionFacts { Sender = sender ?? string.Empty });
            return;
        }

        var channel = await CachedRows.ChannelAsync(db, cache, verification.ChannelId, cancellationToken)
            ?? throw new InvalidOperationException($"Channel {verification.ChannelId} of a verified reply token does not exist.");
        var access = await AccessContextLoader.LoadAsync(db, cache, user.Id, channel.TitleId, cancellationToken);
        if (access.TitleArchived)
        {
            await RejectAsync(
                mail, message, analysis, RejectReasons.TitleArchived, $"{channel.Title!.Name} is archived: replies to it are no longer posted.", cancellationToken,
                new RejectionFacts { Title = channel.Title!.Name });
            return;
        }

        var target = channel;
        if (channelOverride is { } chosenId)
        {
            target = await CachedRows.ChannelAsync(db, cache, chosenId, cancellationToken) is { } chosen && chosen.TitleId == channel.TitleId
                ? chosen
                : throw new InvalidOperationException($"Channel {chosenId} is not a channel of the reply's title.");
            Trace(mail, "routed", $"an operator chose {target.Key}");
        }
        else if (channel.Kind == ChannelKind.Broadcast && !access.IsInternal)
        {
            var candidates = access.EnabledLanguages.Intersect(access.VendorLanguagesOnTitle, StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList();
            var primary = user.VendorId is { } vendorId
                ? await db.VendorAssignments.AsNoTracking().Where(a => a.VendorId == vendorId && a.TitleId == channel.TitleId && a.IsPrimary)
                    .Select(a => a.Language).FirstOrDefaultAsync(cancellationToken)
                : null;
            var (language, why) = BroadcastRouting.Choose(candidates, among => languageDetector.DetectAmong(analysis.Text, among), primary);
            if (language is null)
            {
                var (advice, open) = await BroadcastAdviceAsync(channel, access, why, cancellationToken);
                await RejectAsync(mail, message, analysis, RejectReasons.BroadcastReply, advice, cancellationToken, open);
                return;
            }

            target = await cache.GetAsync(
                "vendor-channel",
                (channel.TitleId, language),
                () => db.Channels.AsNoTracking().Include(c => c.Title)
                    .SingleAsync(c => c.TitleId == channel.TitleId && c.Kind == ChannelKind.Vendor && c.Language == language, cancellationToken));
            Trace(mail, "routed", $"Broadcast reply of a vendor to {target.Key}: {why}");
        }

        var decision = ChannelPolicy.Decide(access, target.Kind, target.Language);
        if (!decision.CanPost)
        {
            await RejectAsync(
                mail,
                message,
                analysis,
                RejectReasons.PermissionDenied,
                $"You can no longer post in {target.Title!.Name} · {ChannelNames.Display(target)}: {decision.PostDeniedReason}.",
                cancellationToken,
                new RejectionFacts
                {
                    Title = target.Title!.Name,
                    Channel = RejectionChannel.Of(target, target.Title!, Options.WebBaseUrl),
                });
            return;
        }

        mail.ChannelId = target.Id;
        if (analysis.RejectReason == RejectReasons.AttachmentTooLarge)
        {
            var big = analysis.Attachments.First(a => a.SizeBytes > PostingLimits.MaxAttachmentBytes);
            await RejectAsync(
                mail,
                message,
                analysis,
                RejectReasons.AttachmentTooLarge,
                $"The attachment '{big.Name}' is {PostingLimits.Describe(big.SizeBytes)}; the limit is {PostingLimits.Describe(PostingLimits.MaxAttachmentBytes)} per file. Nothing of your mail was posted.",
                cancellationToken,
                new RejectionFacts { File = big.Name, Size = PostingLimits.Describe(big.SizeBytes), Limit = PostingLimits.Describe(PostingLimits.MaxAttachmentBytes) });
            return;
        }

        if (analysis.RejectReason == RejectReasons.Encrypted)
        {
            await RejectAsync(mail, message, analysis, RejectReasons.Encrypted, "Your reply was encrypted, so the platform could not read it. Nothing of it was posted.", cancellationToken);
            return;
        }

        if (analysis.Text.Length == 0 && analysis.Attachments.Count == 0)
        {
            await RejectAsync(mail, message, analysis, RejectReasons.EmptyReply, "Your reply had no new text and no attachment.", cancellationToken);
            return;
        }

        var sourceId = mail.MessageId.Length > 0 ? mail.MessageId : "sha256:" + mail.Sha256;
        if (await AlreadyPostedAsync(target.Id, sourceId, cancellationToken))
        {
            Finish(mail, InboundStatus.Ignored, "duplicate", $"Already posted in {target.Key} (same Message-ID).");
            return;
        }

        if (await FloodAsync(mail, message, user, target, analysis, cancellationToken))
        {
            return;
        }

        // Files decoded ahead with the parse are read from memory. Otherwise (a large mail parsed from its row) each file is
        // decoded while the poster reads it, not into a buffer first; a large one is decoded twice (hashed and measured,
        // then written into its row) rather than held.
        var files = analysis.Attachments
            .Select((a, i) => decoded is not null
                ? new NewAttachment(a.Name, a.ContentType, new MemoryStream(decoded[i], writable: false), decoded[i].Length)
                : new NewAttachment(a.Name, a.ContentType, a.Part.Content?.Open() ?? Stream.Null, a.SizeBytes) { OpenAgain = a.Part.Content is { } content ? content.Open : null })
            .ToList();
        var result = await poster.PostAsync(
            new PostRequest(user.Id, target.Id, analysis.Text, files, MessageOrigin.Email, sourceId), cancellationToken);
        if (result.Error is { } error)
        {
            var reason = error.Code switch
            {
                PostErrorCode.PermissionDenied => RejectReasons.PermissionDenied,
                PostErrorCode.AttachmentTooLarge => RejectReasons.AttachmentTooLarge,
                PostErrorCode.Empty => RejectReasons.EmptyReply,
                _ => RejectReasons.Refused,
            };
            await RejectAsync(mail, message, analysis, reason, error.Message, cancellationToken);
            return;
        }

        mail.PostedMessageId = result.Message!.Id;
        Finish(mail, InboundStatus.Posted, null, $"posted as message {result.Message.Id} in {target.Title!.Slug}/{target.Key} by user {user.Id}");
    }

    /// <summary>Why a vendor's reply to Broadcast has nowhere to go, and every channel of the title the sender may post
    /// to, with its link.</summary>
    private async Task<(string Detail, RejectionFacts Facts)> BroadcastAdviceAsync(Channel broadcast, ReaderContext access, string why, CancellationToken cancellationToken)
    {
        var channels = await db.Channels.AsNoTracking()
            .Where(c => c.TitleId == broadcast.TitleId && c.Kind != ChannelKind.Broadcast)
            .OrderBy(c => c.Key).ToListAsync(cancellationToken);
        var open = channels.Where(c => ChannelPolicy.Decide(access, c.Kind, c.Language).CanPost)
            .Select(c => RejectionChannel.Of(c, broadcast.Title!, Options.WebBaseUrl))
            .ToList();
        var lines = open.Select(c => $"{c.EnglishName}: {c.Url}").ToList();
        var facts = new RejectionFacts { Title = broadcast.Title!.Name, Channels = open };
        var title = broadcast.Title!.Name;
        var settings = WebRoutes.Absolute(Options.WebBaseUrl, WebRoutes.Settings);
        return (lines.Count == 0
            ? $"Only staff post to the Broadcast channel of {title}, and your reply has no language channel to go to: {why}. Turn on your languages in your settings ({settings}), then send your reply again."
            : $"Only staff post to the Broadcast channel of {title}, and your reply could not be placed: {why}. You can post in:\n  " + string.Join("\n  ", lines), facts);
    }

    private async Task<UnsubscribeResult> ApplyUnsubscribeAsync(string token, CancellationToken cancellationToken)
    {
        var result = await unsubscribe.ApplyAsync(token, cancellationToken);
        cache.Clear(); // the user's delivery settings may have changed
        return result;
    }

    /// <summary>The token of a List-Unsubscribe mailto (subject <c>unsubscribe TOKEN</c>), else null.</summary>
    private static string? UnsubscribeRequest(MimeMessage message) =>
        message.Subject?.Trim().Split(' ', StringSplitOptions.RemoveEmptyEntries) is [var word, var token]
            && word.Equals("unsubscribe", StringComparison.OrdinalIgnoreCase)
            ? token
            : null;

    /// <summary>When the mail answers one of our digests (its In-Reply-To or References names <c>digest-{id}@domain</c>),
    /// the refusal text listing a link to each channel the digest covered; else null.</summary>
    private async Task<(string? Detail, RejectionFacts Facts)> DigestRepliedToAsync(MimeMessage message, CancellationToken cancellationToken)
    {
        var ids = new[] { message.InReplyTo }.Concat(message.References)
            .Select(id => MailIds.TryParseDigest(id, Options.Domain, out var digestId) ? digestId : (long?)null)
            .Where(id => id is not null).Select(id => id!.Value).Distinct().ToList();
        if (ids.Count == 0)
        {
            return (null, RejectionFacts.None);
        }

        var digests = await db.Digests.AsNoTracking().Where(d => ids.Contains(d.Id)).ToListAsync(cancellationToken);
        var channelIds = digests.SelectMany(d => d.ChannelIdList()).Distinct().ToList();
        var channels = await db.Channels.AsNoTracking().Include(c => c.Title).Where(c => channelIds.Contains(c.Id)).ToListAsync(cancellationToken);
        var covered = channels.OrderBy(c => c.Title!.Name, StringComparer.Ordinal).ThenBy(c => c.Key, StringComparer.Ordinal)
            .Select(c => RejectionChannel.Of(c, c.Title!, Options.WebBaseUrl))
            .ToList();
        var lines = covered.Select(c => $"{c.Title} · {c.EnglishName}: {c.Url}");
        return ("Your mail answered a digest, which covers several conversations, so it cannot be matched to one of them."
            + (channels.Count == 0 ? string.Empty : " The digest covered:\n  " + string.Join("\n  ", lines)), new RejectionFacts { Channels = covered });
    }

    /// <summary>
    /// Quarantines the mail with its reason, and tells the sender only when that cannot turn into backscatter: the sender
    /// is a verified address of one of our users, authenticated (or the installation does not authenticate senders), not
    /// an automatic mailer, and under the limits (<see cref="InboundOptions.RejectionsPerHour"/> for everyone,
    /// <see cref="InboundOptions.RejectionsPerAddressPerDay"/> and one per reason a day for each address). Anyone else
    /// is quarantined silently. The rejection quotes the sender's own text only.
    /// </summary>
    /// <param name="detail">The case in English, for the quarantine.</param>
    /// <param name="facts">Its values, for the mail to the sender in their language.</param>
    private async Task RejectAsync(
        InboundMail mail, MimeMessage message, ReplyAnalysis analysis, string reason, string detail, CancellationToken cancellationToken,
        RejectionFacts? facts = null)
    {
        Finish(mail, InboundStatus.Rejected, reason, detail);
        var now = timeProvider.GetUtcNow().UtcDateTime;
        var from = message.From.Mailboxes.ToList();
        var to = from.Count == 1 ? from[0].Address : null;
        var skip = RejectReasons.IsSilent(reason) ? "held without telling anyone"
            : to is null || !EmailAddress.LooksValid(to) ? "no single usable sender address"
            : AutomaticSender(message) is { } automatic ? automatic
            : Options.IsOwnAddress(to) ? "the sender is the gateway itself"
            : null;
        if (skip is null)
        {
            to = EmailAddress.Normalize(to!);
            var rateKey = "rejection:" + reason;
            var senderId = await db.UserEmails.Where(e => e.Address == to && e.VerifiedAtUtc != null && e.User!.IsActive)
                .Select(e => (int?)e.UserId).FirstOrDefaultAsync(cancellationToken);
            if (senderId is null)
            {
                skip = "the sender is not a user of the platform";
            }
            else if (Inbound.SenderAuthentication != SenderAuthenticationMode.Off && await AuthenticateAsync(mail, message, cancellationToken) is { Passed: false } unauthenticated)
            {
                skip = "the sender could not be authenticated (" + unauthenticated.Detail + ")";
            }
            else if (await LockRejectionsAsync(cancellationToken)
                && await db.OutboundMails.CountAsync(m => m.Purpose == OutboundPurposes.Rejection && m.CreatedAtUtc > now.AddHours(-1), cancellationToken) >= Inbound.RejectionsPerHour)
            {
                skip = $"over the limit of {Inbound.RejectionsPerHour} rejection mails an hour";
            }
            else if (await db.OutboundMails.Where(m => m.ToAddress == to && m.Purpose == OutboundPurposes.Rejection && m.CreatedAtUtc > now.AddDays(-1))
                .Select(m => m.RateKey).ToListAsync(cancellationToken) is var today && (today.Count >= Inbound.RejectionsPerAddressPerDay || today.Contains(rateKey)))
            {
                skip = today.Contains(rateKey) ? "already told today for this reason" : $"already told {today.Count} times today";
            }
            else
            {
                var language = await ReaderLanguageAsync(senderId.Value, cancellationToken);
                var rejection = RejectionComposer.Compose(Options, templates, language, message, to, reason, facts ?? RejectionFacts.None, analysis.Text, now);
                await SystemMail.QueueAsync(db, rejection, OutboundPurposes.Rejection, to, string.Empty, rateKey, now, cancellationToken);
                Trace(mail, "sender told", to);
            }
        }

        if (skip is not null)
        {
            Trace(mail, "sender not told", skip);
        }

        logger.LogInformation("Inbound mail {InboundId} ({MessageId}) rejected: {Reason}", mail.Id, mail.MessageId, reason);
    }

    /// <summary>The language <paramref name="userId"/>'s mails are written in.</summary>
    private Task<string> ReaderLanguageAsync(int userId, CancellationToken cancellationToken) =>
        MailLanguages.ForUserAsync(db, userId, notificationOptions.Value.Language, cancellationToken);

    /// <summary>Why the sender is an automatic mailer that must never get a rejection (RFC 3834 and common practice), or null.</summary>
    private static string? AutomaticSender(MimeMessage message)
    {
        var autoSubmitted = message.Headers["Auto-Submitted"]?.Trim();
        var precedence = message.Headers["Precedence"]?.Trim().ToLowerInvariant();
        var local = message.From.Mailboxes.FirstOrDefault()?.LocalPart.ToLowerInvariant() ?? string.Empty;
        return message.Headers[HeaderId.ReturnPath]?.Trim() == "<>" ? "null return path"
            : autoSubmitted is { Length: > 0 } && !autoSubmitted.Equals("no", StringComparison.OrdinalIgnoreCase) ? "Auto-Submitted: " + autoSubmitted
            : precedence is "bulk" or "junk" or "list" ? "Precedence: " + precedence
            : message.Headers.Contains(HeaderId.ListId) || message.Headers.Contains("List-Unsubscribe") ? "a mailing list's mail"
            : local is "mailer-daemon" or "postmaster" || local.StartsWith("no-reply", StringComparison.Ordinal) || local.StartsWith("noreply", StringComparison.Ordinal)
                ? "an automatic mailbox (" + local + ")"
            : null;
    }

    /// <summary>The mail's sender authentication, worked out once per mail.</summary>
    private async Task<SenderAuthentication> AuthenticateAsync(InboundMail mail, MimeMessage message, CancellationToken cancellationToken)
    {
        if (_authenticated is { } known && ReferenceEquals(known.Mail, mail))
        {
            return known.Result;
        }

        var result = await authenticator.AuthenticateAsync(message, cancellationToken);
        _authenticated = (mail, result);
        Trace(mail, result.Passed ? "sender authenticated" : "sender not authenticated", result.Detail);
        return result;
    }

    /// <summary>Holds a reply past a sender's limits (<see cref="InboundOptions.PostsPerSenderPerChannelPerHour"/>,
    /// <see cref="InboundOptions.PostsPerSenderPerHour"/>, telling the staff once an hour) or repeating the sender's recent
    /// post in the channel: what two auto-responders answering each other's notifications look like.</summary>
    /// <returns>True when the reply was held.</returns>
    private async Task<bool> FloodAsync(InboundMail mail, MimeMessage message, User user, Channel target, ReplyAnalysis analysis, CancellationToken cancellationToken)
    {
        var now = timeProvider.GetUtcNow().UtcDateTime;
        var hourAgo = now.AddHours(-1);
        var byMail = db.Messages.AsNoTracking().Where(m => m.AuthorId == user.Id && m.Origin == MessageOrigin.Email && m.CreatedAtUtc > hourAgo);
        var inChannel = await byMail.CountAsync(m => m.ChannelId == target.Id, cancellationToken);
        var overall = inChannel >= Inbound.PostsPerSenderPerChannelPerHour ? inChannel : await byMail.CountAsync(cancellationToken);
        if (inChannel >= Inbound.PostsPerSenderPerChannelPerHour || overall >= Inbound.PostsPerSenderPerHour)
        {
            var perChannel = inChannel >= Inbound.PostsPerSenderPerChannelPerHour;
            var limit = perChannel
                ? $"{inChannel} posts by mail in {target.Key} in the last hour (limit {Inbound.PostsPerSenderPerChannelPerHour})"
                : $"{overall} posts by mail in the last hour (limit {Inbound.PostsPerSenderPerHour})";
            await RejectAsync(mail, message, analysis, RejectReasons.RateLimited, $"Held: {limit}.", cancellationToken);
            var held = perChannel
                ? (Count: inChannel, Limit: Inbound.PostsPerSenderPerChannelPerHour, Channel: RejectionChannel.Of(target, target.Title!, Options.WebBaseUrl))
                : (Count: overall, Limit: Inbound.PostsPerSenderPerHour, Channel: (RejectionChannel?)null);
            await NotifyStaffAsync(user, held, now, cancellationToken);
            return true;
        }

        if (analysis.Text.Length > 0 && await db.Messages.AsNoTracking().AnyAsync(
            m => m.AuthorId == user.Id && m.ChannelId == target.Id && m.Text == analysis.Text && m.CreatedAtUtc > now - Inbound.DuplicateWindow, cancellationToken))
        {
            await RejectAsync(mail, message, analysis, RejectReasons.DuplicatePost, $"Held: the same text as the sender's post in {target.Key} a moment ago.", cancellationToken);
            return true;
        }

        return false;
    }

    /// <summary>One mail to each operator (admin) per sender and hour when a sender's replies are held for their rate.</summary>
    private async Task NotifyStaffAsync(User sender, (int Count, int Limit, RejectionChannel? Channel) held, DateTime now, CancellationToken cancellationToken)
    {
        var rateKey = $"staff-notice:rate-limited:{sender.Id}";
        await db.Dialect.Locks.LockAsync(db, rateKey, cancellationToken);
        if (await db.OutboundMails.AnyAsync(m => m.RateKey == rateKey && m.CreatedAtUtc > now.AddHours(-1), cancellationToken))
        {
            return;
        }

        var admins = await db.Users.AsNoTracking().Include(u => u.Settings).Include(u => u.Languages).Include(u => u.Emails)
            .Where(u => u.IsAdmin && u.IsActive).ToListAsync(cancellationToken);
        foreach (var admin in admins)
        {
            var address = admin.Emails.OrderByDescending(e => e.IsPrimary).ThenBy(e => e.Id).Select(e => e.Address).FirstOrDefault();
            if (address is null)
            {
                continue;
            }

            var notice = HeldRepliesNotice.Compose(
                Options, templates, MailLanguages.ForUser(admin, notificationOptions.Value.Language), new MailboxAddress(admin.Name, address), admin.Name, sender.Name,
                held.Count, held.Limit, held.Channel, now);
            await SystemMail.QueueAsync(db, notice, HeldRepliesNotice.Purpose, address, Options.NotificationsFrom, rateKey, now, cancellationToken);
        }
    }

    private void Finish(InboundMail mail, InboundStatus status, string? reason, string detail)
    {
        mail.Status = status;
        mail.Reason = reason;
        mail.ReasonDetail = detail;
        mail.ProcessedAtUtc = timeProvider.GetUtcNow().UtcDateTime;
        Trace(mail, status.ToString().ToLowerInvariant(), reason is null ? detail : $"{reason}: {detail}");
    }

    private void Trace(InboundMail mail, string step, string detail) =>
        InboundTrace.Add(mail, timeProvider.GetUtcNow().UtcDateTime, step, detail);
}

/// <summary>A stored mail parsed and classified ahead of its transaction (<see cref="ReplyThreader.TryParse"/>).</summary>
public sealed record ParsedReply(MimeMessage Message, ReplyAnalysis Analysis)
{
    /// <summary>The content of each of <see cref="ReplyAnalysis.Attachments"/>, decoded ahead; null to decode them while
    /// the reply is posted.</summary>
    public IReadOnlyList<byte[]>? Files { get; init; }
}

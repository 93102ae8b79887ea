using System.Data.Common;
using ClpMailGateway.Domain;
using Microsoft.AspNetCore.DataProtection.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;

namespace ClpMailGateway.Storage;

/// <summary>The gateway's database on SQLite (its migrations are this type's); <see cref="Postgres.PostgresGatewayDbContext"/>
/// is the same model on PostgreSQL with a migration set of its own.</summary>
public class GatewayDbContext : DbContext, IDataProtectionKeyContext
{
    public GatewayDbContext(DbContextOptions<GatewayDbContext> options)
        : base(options)
    {
    }

    /// <summary>For a provider's own context type (its migrations are found by that type).</summary>
    protected GatewayDbContext(DbContextOptions options)
        : base(options)
    {
    }

    public DbSet<Title> Titles => Set<Title>();
    public DbSet<TitleLanguage> TitleLanguages => Set<TitleLanguage>();
    public DbSet<Channel> Channels => Set<Channel>();
    public DbSet<Vendor> Vendors => Set<Vendor>();
    public DbSet<VendorAssignment> VendorAssignments => Set<VendorAssignment>();
    public DbSet<User> Users => Set<User>();
    public DbSet<UserEmail> UserEmails => Set<UserEmail>();
    public DbSet<UserSettings> UserSettings => Set<UserSettings>();
    public DbSet<UserLanguage> UserLanguages => Set<UserLanguage>();
    public DbSet<Follow> Follows => Set<Follow>();
    public DbSet<Message> Messages => Set<Message>();
    public DbSet<Attachment> Attachments => Set<Attachment>();
    public DbSet<Mention> Mentions => Set<Mention>();
    public DbSet<ReplyToken> ReplyTokens => Set<ReplyToken>();
    public DbSet<InboundMail> InboundMails => Set<InboundMail>();
    public DbSet<MailboxCheckpoint> MailboxCheckpoints => Set<MailboxCheckpoint>();
    public DbSet<OutboundMail> OutboundMails => Set<OutboundMail>();
    public DbSet<AddressHealth> AddressHealth => Set<AddressHealth>();
    public DbSet<Digest> Digests => Set<Digest>();
    public DbSet<DigestItem> DigestItems => Set<DigestItem>();
    public DbSet<PendingFanout> PendingFanouts => Set<PendingFanout>();
    public DbSet<ChannelMute> ChannelMutes => Set<ChannelMute>();
    public DbSet<TitleMute> TitleMutes => Set<TitleMute>();
    public DbSet<ChannelFollow> ChannelFollows => Set<ChannelFollow>();
    public DbSet<ChannelReadMark> ChannelReadMarks => Set<ChannelReadMark>();
    public DbSet<MailThread> MailThreads => Set<MailThread>();
    public DbSet<AuditEntry> AuditEntries => Set<AuditEntry>();
    public DbSet<ApiKey> ApiKeys => Set<ApiKey>();

    /// <summary>The web's Data Protection keys (cookies, antiforgery tokens), shared by every web process.</summary>
    public DbSet<DataProtectionKey> DataProtectionKeys => Set<DataProtectionKey>();

    /// <summary>The provider's side of the storage boundary for this context.</summary>
    public virtual StorageDialect Dialect => Sqlite.SqliteDialect.Instance;

    /// <summary>A plain command on this context's connection, enlisted in its current transaction if there is one (for
    /// the statements the hot paths write by hand instead of through EF). Its SQL is written under <c>Storage/</c> only;
    /// parameters are named <c>@name</c>, which both providers read.</summary>
    public DbCommand CreateCommand()
    {
        var command = Database.GetDbConnection().CreateCommand();
        command.Transaction = Database.CurrentTransaction?.GetDbTransaction();
        return command;
    }

    /// <summary>Runs <paramref name="run"/> on a plain command (<see cref="CreateCommand"/>) with the connection open for
    /// it. EF's open and close are counted, so a connection held open (a poll, a transaction) stays open.</summary>
    public async Task<T> WithCommandAsync<T>(Func<DbCommand, Task<T>> run, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(run);
        await Database.OpenConnectionAsync(cancellationToken);
        try
        {
            await using var command = CreateCommand();
            return await run(command);
        }
        finally
        {
            await Database.CloseConnectionAsync();
        }
    }

    /// <summary>Every SQLite connection gets the search index's SQL function and the busy timeout
    /// (<see cref="Sqlite.GatewayConnectionInterceptor"/>; it leaves other providers' connections alone).</summary>
    protected override void OnConfiguring(DbContextOptionsBuilder optionsBuilder) =>
        optionsBuilder.AddInterceptors(Sqlite.GatewayConnectionInterceptor.Instance);

    protected override void OnModelCreating(ModelBuilder modelBuilder) =>
        modelBuilder.ApplyConfigurationsFromAssembly(typeof(GatewayDbContext).Assembly);
}

using ClpMailGateway.Domain;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;

namespace ClpMailGateway.Storage;

public sealed class GatewayDbContext(DbContextOptions<GatewayDbContext> options) : DbContext(options)
{
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
    public DbSet<MailThread> MailThreads => Set<MailThread>();

    /// <summary>A plain SQLite command on this context's connection, enlisted in its current transaction if there is one
    /// (for the statements the hot paths write by hand instead of through EF).</summary>
    public SqliteCommand CreateCommand()
    {
        var command = ((SqliteConnection)Database.GetDbConnection()).CreateCommand();
        command.Transaction = Database.CurrentTransaction?.GetDbTransaction() as SqliteTransaction;
        return command;
    }

    /// <summary>Runs <paramref name="run"/> on a plain command (<see cref="CreateCommand"/>) with the connection open for
    /// it. EF's open and close are counted, so a connection held open (a poll, a transaction) stays open.</summary>
    public async Task<T> WithCommandAsync<T>(Func<SqliteCommand, Task<T>> run, CancellationToken cancellationToken)
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

    /// <summary>Every connection gets the search index's SQL function and the busy timeout
    /// (<see cref="GatewayConnectionInterceptor"/>).</summary>
    protected override void OnConfiguring(DbContextOptionsBuilder optionsBuilder) =>
        optionsBuilder.AddInterceptors(GatewayConnectionInterceptor.Instance);

    protected override void OnModelCreating(ModelBuilder modelBuilder) =>
        modelBuilder.ApplyConfigurationsFromAssembly(typeof(GatewayDbContext).Assembly);
}

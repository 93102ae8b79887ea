namespace ClpMailGateway.Storage;

/// <summary>The gateway database's connection string, as <see cref="StorageServiceCollectionExtensions.AddGatewayStorage"/>
/// validated it, for a hot read path that opens a pooled connection of its own: opening a new context's connection
/// costs ~150 µs of EF initialization, a pooled <c>SqliteConnection</c> ~1 µs.</summary>
public sealed record GatewayConnectionString(string Value);

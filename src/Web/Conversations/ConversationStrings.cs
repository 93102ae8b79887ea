namespace ClpMailGateway.Web.Conversations;

/// <summary>The strings of titles, conversations and search (ConversationStrings.*.resx).</summary>
public sealed class ConversationStrings;

namespace ClpMailGateway.Authentication;

/// <summary>What the gateway does with a reply whose sender it cannot authenticate (<c>Inbound:SenderAuthentication</c>).</summary>
public enum SenderAuthenticationMode
{
    /// <summary>Quarantined as <c>sender_unauthenticated</c>, silently. The default outside the demo.</summary>
    Require = 1,

    /// <summary>Posted, with the results in the mail's trace; no rejection mails to unauthenticated senders.</summary>
    Warn = 2,

    /// <summary>Not checked (a trusted network, or mail that is never signed): the reply token and the From address
    /// decide alone.</summary>
    Off = 3,
}

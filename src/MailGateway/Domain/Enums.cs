namespace ClpMailGateway.Domain;

/// <summary>Internal staff (project managers, content production coordinators) or a vendor's user.</summary>
public enum UserRole
{
    Pm = 1,
    Cpc = 2,
    Vendor = 3,
}

public enum ChannelKind
{
    Internal = 1,
    Broadcast = 2,
    Vendor = 3,
}

/// <summary>How a user wants mail for one channel kind.</summary>
public enum DeliveryMode
{
    Immediate = 1,
    Digest = 2,
    Off = 3,
}

public enum MessageOrigin
{
    Web = 1,
    Email = 2,
}

using System.Runtime.CompilerServices;
using Microsoft.EntityFrameworkCore.ChangeTracking;

namespace ClpMailGateway.Storage.Configurations;

/// <summary>Change tracking for byte arrays that are replaced, never changed in place (raw mails, attached files): EF's
/// default for <c>byte[]</c> snapshots a copy of the whole array and compares byte by byte, which for a 10 MB file
/// is one more 10 MB copy per tracked row. This compares and snapshots the reference.</summary>
internal sealed class WholeBytesComparer() : ValueComparer<byte[]>(
    (a, b) => ReferenceEquals(a, b),
    v => RuntimeHelpers.GetHashCode(v),
    v => v);

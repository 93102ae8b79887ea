using ClpMailGateway.Domain;
using ClpMailGateway.Storage;
using ClpMailGateway.TestSupport;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace ClpMailGateway.Tests.Storage;

public sealed class RowIdsTests
{
    [Fact]
    public async Task NextAsync_IsTheIdSqliteGivesTheNextRow_NeverOneOfADeletedRow()
    {
        await using var database = await TestDatabase.CreateAsync();
        var world = new World(database);
        await world.SaveAsync(db => db.Vendors.AddRange(new Vendor { Name = "A" }, new Vendor { Name = "B" }, new Vendor { Name = "C" }));
        await world.SaveAsync(db => db.Vendors.RemoveRange(db.Vendors.Where(v => v.Name == "C"))); // AUTOINCREMENT: its id is not given again

        var (next, saved) = await database.WithAsync(async s =>
        {
            var db = s.GetRequiredService<GatewayDbContext>();
            await using var transaction = await db.Database.BeginTransactionAsync();
            var next = await RowIds.NextAsync(db, typeof(Vendor), CancellationToken.None);
            var vendor = new Vendor { Name = "D" };
            db.Vendors.Add(vendor);
            await db.SaveChangesAsync();
            await transaction.CommitAsync();
            return (next, vendor.Id);
        });

        Assert.Equal(saved, next);
        Assert.Equal(4, next);
    }

    [Fact]
    public async Task NextAsync_OutsideATransaction_IsRefused()
    {
        await using var database = await TestDatabase.CreateAsync();

        var error = await database.WithAsync(s => Assert.ThrowsAsync<InvalidOperationException>(
            () => RowIds.NextAsync(s.GetRequiredService<GatewayDbContext>(), typeof(Vendor), CancellationToken.None)));

        Assert.Contains("write transaction", error.Message, StringComparison.Ordinal);
    }
}

using ClpMailGateway.Domain;

namespace ClpMailGateway.Tests.Authentication;

public class AddressHealthTests
{
    private static readonly DateTime Now = new(2026, 12, 5, 9, 0, 0, DateTimeKind.Utc);
    private static readonly TimeSpan HalfLife = TimeSpan.FromDays(7);

    [Fact]
    public void Record_TwoHardBounces_Suppress_OneDoesNot()
    {
        var health = new AddressHealth { Address = "a@vendor.example" };

        Assert.False(health.Record(true, 2, 4, HalfLife, Now, "first"));
        Assert.Null(health.SuppressedAtUtc);
        Assert.True(health.Record(true, 2, 4, HalfLife, Now.AddMinutes(1), "second"));
        Assert.Equal(Now.AddMinutes(1), health.SuppressedAtUtc);
    }

    [Fact]
    public void Record_SoftBounces_CountLess()
    {
        var health = new AddressHealth { Address = "a@vendor.example" };

        for (var i = 0; i < 3; i++)
        {
            Assert.False(health.Record(false, 1, 4, HalfLife, Now.AddMinutes(i), "soft"));
        }

        Assert.Equal(3, health.TransientBounces);
    }

    [Fact]
    public void Record_OldScore_HasDecayed()
    {
        var health = new AddressHealth { Address = "a@vendor.example" };
        health.Record(true, 2, 4, HalfLife, Now, "a month ago");

        // Two half-lives later the first bounce weighs 0.5: a second hard bounce is not enough.
        Assert.False(health.Record(true, 2, 4, HalfLife, Now + (2 * HalfLife), "now"));
        Assert.Equal(2.5, health.BounceScore, 3);
    }
}

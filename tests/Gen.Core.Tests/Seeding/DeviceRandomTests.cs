using TorchSharp;
using Xunit;

namespace Gen.Core.Tests.Seeding;

public sealed class DeviceRandomTests
{
    [Fact]
    public void A_seed_repeats_every_kind_of_draw()
    {
        torch.Tensor[] Draw(long seed)
        {
            using var g = Seed.Generator(seed);
            var p = torch.full(new long[] { 6 }, 0.4, dtype: torch.float64);
            return new[]
            {
                DeviceRandom.Normal(new long[] { 4 }, torch.float64, Device.Cpu, g),
                DeviceRandom.Uniform(new long[] { 4 }, torch.float32, Device.Cpu, g),
                DeviceRandom.Permutation(9, Device.Cpu, g),
                DeviceRandom.Integers(7, new long[] { 5 }, Device.Cpu, g),
                DeviceRandom.Bernoulli(p, g),
                DeviceRandom.Poisson(p * 10, g),
                DeviceRandom.StandardGamma(p + 1, g),
                DeviceRandom.Binomial(torch.full(new long[] { 6 }, 10.0, dtype: torch.float64), p, g),
                DeviceRandom.Multinomial(torch.ones(2, 5), 3, replacement: true, g),
            };
        }

        var first = Draw(5);
        var again = Draw(5);
        var other = Draw(6);
        for (int i = 0; i < first.Length; i++)
        {
            Assert.Equal(DeviceType.CPU, first[i].device_type);
            Assert.True(first[i].allclose(again[i], 0, 0), $"draw {i} did not repeat");
        }

        Assert.False(first[0].allclose(other[0], 0, 0));
    }

    [Fact]
    public void Draws_have_the_asked_shape_and_dtype()
    {
        var x = DeviceRandom.Normal(new long[] { 2, 3 }, torch.float64, Device.Cpu);
        Assert.Equal(new long[] { 2, 3 }, x.shape);
        Assert.Equal(torch.float64, x.dtype);
        var p = DeviceRandom.Permutation(10, Device.Cpu);
        Assert.Equal(45L, p.sum().item<long>());
    }
}

using System;
using System.Linq;
using Gen.Data;
using TorchSharp;
using Xunit;

namespace Gen.Core.Tests.Data.Toy;

public class EnergiesTests
{
    // The formulas of Rezende and Mohamed (2015), Table 1, written out in plain double arithmetic.
    private static double W1(double z1) => Math.Sin(2 * Math.PI * z1 / 4);

    private static double W2(double z1) => 3 * Math.Exp(-0.5 * Math.Pow((z1 - 1) / 0.6, 2));

    private static double W3(double z1) => 3 / (1 + Math.Exp(-(z1 - 1) / 0.3));

    private static double G(double t) => Math.Exp(-0.5 * t * t);

    private static readonly Func<double, double, double>[] Reference =
    {
        (z1, z2) => (0.5 * Math.Pow((Math.Sqrt((z1 * z1) + (z2 * z2)) - 2) / 0.4, 2)) - Math.Log(G((z1 - 2) / 0.6) + G((z1 + 2) / 0.6)),
        (z1, z2) => 0.5 * Math.Pow((z2 - W1(z1)) / 0.4, 2),
        (z1, z2) => -Math.Log(G((z2 - W1(z1)) / 0.35) + G((z2 - W1(z1) + W2(z1)) / 0.35)),
        (z1, z2) => -Math.Log(G((z2 - W1(z1)) / 0.4) + G((z2 - W1(z1) + W3(z1)) / 0.35)),
    };

    private static readonly Func<torch.Tensor, torch.Tensor>[] Energy = { Energies.U1, Energies.U2, Energies.U3, Energies.U4 };

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public void Each_energy_matches_its_formula_near_the_modes(int which)
    {
        using var z = (torch.rand(new long[] { 200, 2 }, torch.float64, generator: Seed.Generator(which)) * 6) - 3;
        using var u = Energy[which](z);
        Assert.Equal(new long[] { 200 }, u.shape);
        var points = z.data<double>().ToArray();
        var values = u.data<double>().ToArray();
        for (int i = 0; i < 200; i++)
        {
            var expected = Reference[which](points[2 * i], points[(2 * i) + 1]);
            Assert.Equal(expected, values[i], 1e-9 * Math.Max(1, Math.Abs(expected)));
        }
    }

    [Fact]
    public void Known_values()
    {
        using var z = torch.tensor(new[] { 0.0, 0.4, 1.0, 1.0, 2.0, 0.0 }).reshape(3, 2);
        using var u2 = Energies.U2(z);
        Assert.Equal(new[] { 0.5, 0.0, 0.0 }, u2.data<double>().ToArray().Select(v => Math.Round(v, 12)));
        using var u1 = Energies.U1(z);
        // On the ring ‖z‖ = 2 at z1 = 2 the energy is -ln(1 + e^{-200/9}), almost 0.
        Assert.Equal(-Math.Log(1 + Math.Exp(-200.0 / 9)), u1[2].item<double>(), 14);
    }

    [Fact]
    public void Energies_stay_finite_where_both_exponentials_underflow()
    {
        using var z = torch.tensor(new[] { 0.0, 30.0, 0.5, -40.0 }).reshape(2, 2);
        foreach (var u in new[] { Energies.U3(z), Energies.U4(z), Energies.U1(z) })
        {
            Assert.True(u.isfinite().all().item<bool>());
            Assert.True(u.min().item<double>() > 1000);
            u.Dispose();
        }

        // Far from the modes U3 is the smaller quadratic: ½ (30 / 0.35)² (w1(0) = 0; the w2 branch is further away).
        using var one = Energies.U3(torch.tensor(new[] { 0.0, 30.0 }).reshape(1, 2));
        Assert.Equal(0.5 * Math.Pow(30 / 0.35, 2), one.item<double>(), 6);
    }

    private static double Mass(Func<torch.Tensor, torch.Tensor> energy, double half1, double half2)
    {
        using var scope = torch.NewDisposeScope();
        var grid = torch.meshgrid(new[] { torch.linspace(-half1, half1, 401, torch.float64), torch.linspace(-half2, half2, 401, torch.float64) }, indexing: "ij");
        var z = torch.stack(new[] { grid[0].flatten(), grid[1].flatten() }, 1);
        var density = energy(z).neg().exp();
        return density.sum().item<double>() * (2 * half1 / 400) * (2 * half2 / 400);
    }

    [Fact]
    public void Each_density_decays_in_z2_and_U1_in_every_direction()
    {
        // U2-U4 are periodic or constant along z1, so (as in the paper) they live on a box such as [-4, 4]²;
        // across z2 their mass is finite. U1 is normalisable on the whole plane.
        foreach (var energy in Energy)
        {
            var mass = Mass(energy, 4, 6);
            Assert.True(mass > 0.5 && mass < 50, $"mass {mass}");
            Assert.Equal(mass, Mass(energy, 4, 9), 0.01 * mass);
        }

        Assert.Equal(Mass(Energies.U1, 6, 6), Mass(Energies.U1, 9, 9), 0.01 * Mass(Energies.U1, 6, 6));
        Assert.True(Mass(Energies.U2, 8, 6) > 1.9 * Mass(Energies.U2, 4, 6));
    }

    [Fact]
    public void Points_must_have_shape_n_by_2()
    {
        using var wrong = torch.zeros(5, 3);
        var e = Assert.Throws<GenShapeException>(() => Energies.U1(wrong));
        Assert.Equal("z", e.Node);
        Assert.Contains("[5, 3]", e.Message);
    }
}

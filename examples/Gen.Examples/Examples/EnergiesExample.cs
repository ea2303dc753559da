using System;
using System.Collections.Generic;
using System.Linq;
using Gen.Data;
using Gen.Plots;
using TorchSharp;

namespace Gen.Examples;

/// <summary>
/// The four target densities p(z) ∝ exp(−U(z)) of Rezende and Mohamed (2015), drawn on [−4, 4]². This is where a
/// flow fitted to them (for example planar flows, by minimising KL(q ‖ p)) plugs in: <see cref="Targets"/> gives
/// each target's unnormalised log-density and <see cref="Draw"/> the picture to put beside the fitted flow's.
/// </summary>
public static class EnergiesExample
{
    /// <summary>The region the targets are drawn on, as in the paper.</summary>
    public static Region Region { get; } = Region.Square(4);

    /// <summary>The targets by name: U1..U4 as unnormalised log-densities −U(z).</summary>
    public static IReadOnlyList<(string Name, Func<torch.Tensor, torch.Tensor> LogDensity)> Targets { get; } = new (string, Func<torch.Tensor, torch.Tensor>)[]
    {
        ("U1", z => Energies.U1(z).neg()),
        ("U2", z => Energies.U2(z).neg()),
        ("U3", z => Energies.U3(z).neg()),
        ("U4", z => Energies.U4(z).neg()),
    };

    /// <summary>The sub-command.</summary>
    public static Example Example { get; } = new(
        "energies",
        "The target densities U1-U4 of Rezende and Mohamed (2015) on [-4, 4]^2, drawn from their energies (nothing is trained; --epochs is ignored).",
        1,
        Array.Empty<OptionSpec>(),
        Run);

    /// <summary>The density exp(−U) of a target as a picture.</summary>
    public static Picture Draw(string name, Func<torch.Tensor, torch.Tensor> logDensity, torch.Device device) =>
        DensityMap.LogDensity(logDensity, Region, new DensityMapOptions(Resolution: 200, Width: 330, Height: 300, Title: $"exp(−{name})").On(device));

    private static int Run(ExampleRun run)
    {
        var pictures = Targets.Select(t => Draw(t.Name, t.LogDensity, run.Device)).ToArray();
        run.Save(Picture.Row(pictures), "targets.png");
        return 0;
    }
}

using System;
using System.Globalization;
using System.Linq;
using Gen.Dsl;
using Gen.Optimization;
using Gen.Plots;
using TorchSharp;

namespace Gen.Examples;

/// <summary>
/// Planar flows fitted to the target densities U1–U4 of Rezende and Mohamed (2015) by minimising the reverse KL,
/// E_q[log q(z) + U(z)], which needs only samples from the flow and the target's unnormalised density.
/// </summary>
/// <remarks>
/// U2–U4 do not grow along z₁, so exp(−U) has no finite mass on the plane and the fit would spread along z₁ without
/// end; as is usual for these targets, the fit adds a steep wall outside the paper's box [−4, 4] (zero inside it):
/// ½ (max(|z₁| − 4, 0) / 0.1)².
/// </remarks>
public static class PlanarExample
{
    /// <summary>The sub-command.</summary>
    public static Example Example { get; } = new(
        "planar",
        "Planar flows fitted to U1-U4 by reverse KL (--epochs counts optimizer steps): the bound E_q[log q + U] per target, target and flow samples side by side.",
        2000,
        new[]
        {
            new OptionSpec("flows", "K", "16", "planar steps"),
            new OptionSpec("batch", "N", "256", "samples per step"),
        },
        Run);

    private static int Run(ExampleRun run)
    {
        int steps = run.Epochs;
        int k = run.Int("flows", 16);
        int batch = run.Int("batch", 256);
        var spec = Flow.Over(Dist.StandardNormal(2)).Then(Bij.Planar()).Repeat(k);
        run.Say(spec.ToString().Split('\n')[0] + $" … {k} planar steps");
        foreach (var (name, target) in EnergiesExample.Targets)
        {
            Func<torch.Tensor, torch.Tensor> logDensity = z => target(z) - 0.5 * ((z.select(-1, 0).abs() - 4).clamp_min(0) / 0.1).square();
            using var model = spec.Compile(run.Device, seed: run.Seed);
            using var adam = new FusedAdam(model.parameters(), 1e-2);
            using var noise = Gen.Seed.Generator(run.Seed + 1);
            var bar = new ProgressBar(run.Output, $"{run.Example.Name} {name}", steps, run.Interactive);
            for (int step = 1; step <= steps; step++)
            {
                using var scope = torch.NewDisposeScope();
                var s = model.SampleAndLogProb(batch, noise);
                var loss = (s.LogProb - logDensity(s.Value)).mean();
                adam.ZeroGrad();
                loss.backward();
                adam.Step();
                bar.Report(step, $"step {step}/{steps}");
            }

            double bound;
            torch.Tensor samples;
            using (torch.no_grad())
            {
                var s = model.SampleAndLogProb(10000, noise);
                bound = (s.LogProb - logDensity(s.Value)).mean().item<float>();
                samples = s.Value.cpu();
            }

            run.Say(string.Create(CultureInfo.InvariantCulture, $"{name}: E_q[log q + U] = {bound:F3} nats after {steps} steps (it bounds −log Z from above; lower is better)"));
            var picture = EnergiesExample.Draw(name, target, run.Device);
            var fitted = ScatterPlot.Points(samples.narrow(0, 0, 3000), ScatterOptions.Default.WithRegion(EnergiesExample.Region).WithSize(330, 300).WithMarkerSize(1.5).WithTitle($"{k} planar steps"));
            run.Save(Picture.Row(new[] { picture, fitted }), $"planar-{name}.png");
        }

        return 0;
    }
}

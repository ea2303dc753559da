using System;
using System.Diagnostics;
using Gen.Probability;
using Gen.Probability.Bijectors;
using Gen.Probability.Distributions;
using TorchSharp;
using static TorchSharp.torch;

namespace Gen.Bench;

internal static class Scratch
{
    public static void Run()
    {
        var x = randn(256, 2).requires_grad_(true);
        var mask = tensor(new float[] { 1, 0 });
        var net = nn.Sequential(nn.Linear(2, 64), nn.ReLU(), nn.Linear(64, 64), nn.ReLU(), nn.Linear(64, 4));
        var coupling = new AffineCoupling(mask, kept => { var h = net.forward(kept).chunk(2, -1); return new AffineParameters(h[0], h[1].tanh()); });
        var perm = Permutation.Reverse(2);
        var normal = new Independent(new Normal(zeros(2), ones(2)), 1);
        var free = 1f - mask;
        Time("coupling inverse", () => coupling.InverseAndLogDet(x).Value.sum() + coupling.InverseAndLogDet(x).LogDet.sum());
        Time("hand coupling", () => { var kept = x * mask; var h = net.forward(kept).chunk(2, -1); var s = h[1].tanh(); var z = kept + free * ((x - h[0]) * (-s).exp()); return z.sum() + (free * s).sum(-1).sum(); });
        Time("permutation", () => perm.InverseAndLogDet(x).Value.sum() + perm.InverseAndLogDet(x).LogDet.sum());
        Time("flip", () => x.flip(-1).sum());
        Time("normal logprob", () => normal.LogProb(x).sum());
        Time("hand logprob", () => (-0.5 * x * x - 0.9189385332046727).sum(-1).sum());
    }

    private static void Time(string name, Func<Tensor> f)
    {
        for (int i = 0; i < 50; i++) { using var s = NewDisposeScope(); f().backward(); }
        var fw = Stopwatch.StartNew();
        double fwd = 0, bwd = 0;
        for (int i = 0; i < 300; i++)
        {
            using var s = NewDisposeScope();
            var t0 = fw.Elapsed.TotalMilliseconds;
            var l = f();
            var t1 = fw.Elapsed.TotalMilliseconds;
            l.backward();
            var t2 = fw.Elapsed.TotalMilliseconds;
            fwd += t1 - t0; bwd += t2 - t1;
        }
        Console.WriteLine($"{name,-20} forward {fwd / 300 * 1000:F1} us, backward {bwd / 300 * 1000:F1} us");
    }
}

using System;
using System.Linq;
using Gen.Dsl;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Gen.Bench;

/// <summary>
/// RealNVP with alternating-mask affine couplings (tanh log-scale, ReLU MLP conditioners) and a reversal after
/// each coupling, trained by maximum likelihood on a fixed standard-normal batch.
/// </summary>
internal static class RealNvpCases
{
    public static SpeedCase Create(string name, int features, int couplings, int hidden, int batch) => new(
        name,
        $"RealNVP, {features} dims, {couplings} couplings, MLP {hidden}-{hidden}, batch {batch}",
        (device, seed) => GenStep(features, couplings, hidden, batch, device, seed),
        (device, seed) => HandStep(features, couplings, hidden, batch, device, seed));

    /// <summary>The spec the case compiles.</summary>
    public static FlowSpec Spec(int features, int couplings, int hidden) =>
        Flow.Over(Dist.StandardNormal(features))
            .Then(Bij.AffineCoupling(Mask.Alternating(features), Net.Mlp(hidden, hidden)))
            .Then(Bij.Reverse())
            .Repeat(couplings);

    private static TrainStep GenStep(int features, int couplings, int hidden, int batch, torch.Device device, long seed)
    {
        var model = Spec(features, couplings, hidden).Compile(device, float32, seed);
        var x = Batch(features, batch, device, seed);
        return TrainStep.WithFusedAdam(model, model.parameters(), () => -model.LogProb(x).mean());
    }

    private static TrainStep HandStep(int features, int couplings, int hidden, int batch, torch.Device device, long seed)
    {
        manual_seed(seed);
        var model = new HandRealNvp(features, couplings, hidden);
        model.to(device);
        var x = Batch(features, batch, device, seed);
        return TrainStep.WithTorchAdam(model, model.parameters(), () => -model.forward(x).mean());
    }

    private static Tensor Batch(int features, int batch, torch.Device device, long seed)
    {
        using var g = new Generator((ulong)seed + 1000);
        var x = randn(new long[] { batch, features }, generator: g).to(device);
        x.DetachFromDisposeScope();
        return x;
    }

    /// <summary>The same flow written directly against TorchSharp: log-density only, no checks, flip for the reversal.</summary>
    private sealed class HandRealNvp : nn.Module<Tensor, Tensor>
    {
        private readonly Tensor mask;
        private readonly Tensor free;
        private readonly ModuleList<Sequential> nets;
        private readonly double halfLogTwoPi = 0.5 * Math.Log(2 * Math.PI);

        public HandRealNvp(int features, int couplings, int hidden) : base("hand_realnvp")
        {
            var m = Enumerable.Range(0, features).Select(i => i % 2 == 0 ? 1f : 0f).ToArray();
            mask = tensor(m);
            free = 1f - mask;
            nets = new ModuleList<Sequential>(Enumerable.Range(0, couplings).Select(_ =>
            {
                var last = nn.Linear(hidden, 2 * features);
                using (no_grad())
                {
                    last.weight!.zero_();
                    last.bias!.zero_();
                }

                return nn.Sequential(nn.Linear(features, hidden), nn.ReLU(), nn.Linear(hidden, hidden), nn.ReLU(), last);
            }).ToArray());
            register_buffer("mask", mask);
            register_buffer("free", free);
            register_module("nets", nets);
        }

        public override Tensor forward(Tensor x)
        {
            var z = x;
            var logDet = zeros(x.shape[0], dtype: x.dtype, device: x.device);
            for (int i = nets.Count - 1; i >= 0; i--)
            {
                z = z.flip(-1);
                var kept = z * mask;
                var h = nets[i].forward(kept).chunk(2, -1);
                var s = h[1].tanh();
                z = kept + free * ((z - h[0]) * (-s).exp());
                logDet = logDet - (free * s).sum(-1);
            }

            return (-0.5 * z * z - halfLogTwoPi).sum(-1) + logDet;
        }
    }
}

using System;
using System.Linq;
using Gen.Dsl;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Gen.Bench;

/// <summary>
/// RealNVP with alternating-mask affine couplings (tanh log-scale, ReLU MLP conditioners) and a reversal after
/// each coupling, trained by maximum likelihood on a fixed standard-normal batch. The hand-written version copies
/// the compiled model's mask and weights, so the two compute the same function from the same weights.
/// </summary>
internal static class RealNvpCases
{
    public static SpeedCase Create(string name, int features, int couplings, int hidden, int batch) => new(
        name,
        $"RealNVP, {features} dims, {couplings} couplings, MLP {hidden}-{hidden}, batch {batch}",
        batch,
        Flops(features, couplings, hidden, batch),
        (device, seed) => GenStep(features, couplings, hidden, batch, device, seed),
        (device, seed) => HandStep(features, couplings, hidden, batch, device, seed));

    /// <summary>The spec the case compiles.</summary>
    public static FlowSpec Spec(int features, int couplings, int hidden) =>
        Flow.Over(Dist.StandardNormal(features))
            .Then(Bij.AffineCoupling(Mask.Alternating(features), Net.Mlp(hidden, hidden)))
            .Then(Bij.Reverse())
            .Repeat(couplings);

    /// <summary>
    /// Each coupling's conditioner is an MLP D→H→H→2D. The density pass runs the last coupling first, on the data
    /// itself, so its first layer needs no input gradient.
    /// </summary>
    private static FlopCount Flops(int features, int couplings, int hidden, int batch) =>
        Enumerable.Range(0, couplings).Aggregate(default(FlopCount), (total, i) =>
            total + FlopCount.Mlp(batch, new long[] { features, hidden, hidden, 2L * features }, inputGradient: i > 0));

    private static TrainStep GenStep(int features, int couplings, int hidden, int batch, torch.Device device, long seed)
    {
        var model = Spec(features, couplings, hidden).Compile(device, float32, seed);
        var x = Batch(features, batch, device, seed);
        return TrainStep.WithFusedAdam(model, model.parameters(), () => model.LogProb(x));
    }

    private static TrainStep HandStep(int features, int couplings, int hidden, int batch, torch.Device device, long seed)
    {
        using var reference = Spec(features, couplings, hidden).Compile(device, float32, seed);
        var model = new HandRealNvp(reference);
        var x = Batch(features, batch, device, seed);
        return TrainStep.WithTorchAdam(model, model.parameters(), () => model.forward(x));
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

        public HandRealNvp(FlowModel compiled) : base("hand_realnvp")
        {
            mask = CompiledParts.Buffer(compiled, "steps.0.mask");
            free = 1f - mask;
            nets = new ModuleList<Sequential>(CompiledParts.Steps<Sequential>(compiled, "net").Select(Copy).ToArray());
            register_buffer("mask", mask);
            register_buffer("free", free);
            register_module("nets", nets);
        }

        // Linear, ReLU, Linear, ReLU, Linear with the compiled conditioner's weights.
        private static Sequential Copy(Sequential compiled)
        {
            var layers = compiled.children().OfType<Linear>().ToArray();
            var copies = layers.Select(l =>
            {
                var c = nn.Linear(l.in_features, l.out_features, device: l.weight!.device);
                using var noGrad = no_grad();
                c.weight!.copy_(l.weight!);
                c.bias!.copy_(l.bias!);
                return c;
            }).ToArray();
            return nn.Sequential(copies[0], nn.ReLU(), copies[1], nn.ReLU(), copies[2]);
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

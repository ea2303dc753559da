// A brand-new application that uses Gen only through the packed NuGet packages: it builds a flow,
// trains it for a few steps on the digits embedded in Gen.Core, scores held-out data, and fails
// unless the likelihood improved.
using System;
using Gen;
using Gen.Data;
using Gen.Dsl;
using Gen.Runtime;
using TorchSharp;

Seed.Everything(0);
var data = Digits.Load(Device.Cpu).Images;
var x = (data + torch.rand(data.shape)) / 17f;
var split = DataSplit.Shuffled(x, 0.2, seed: 0);

var spec = Flow.Over(Dist.StandardNormal(64))
    .Then(Bij.AffineCoupling(Mask.Alternating(64), Net.Mlp(64)))
    .Then(Bij.Reverse())
    .Repeat(2);
Console.WriteLine(spec);
using var model = spec.Compile(Device.Cpu, seed: 0);
var optimizer = torch.optim.Adam(model.parameters(), lr: 2e-3);

double Score()
{
    using var noGrad = torch.no_grad();
    return -model.LogProb(split.Test).mean().item<float>();
}

var before = Score();
for (int step = 0; step < 40; step++)
{
    using var scope = torch.NewDisposeScope();
    var loss = -model.LogProb(split.Train).mean();
    optimizer.zero_grad();
    loss.backward();
    optimizer.step();
}

var after = Score();
Console.WriteLine($"runtime: {GenRuntime.Status.Kind}; held-out NLL {before:F2} -> {after:F2} nats");
return after < before - 10 ? 0 : 1;

using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Linq;
using Gen;
using Gen.Data;
using Gen.Dsl;
using Gen.Optimization;
using TorchSharp;

var results = new List<string>();
var g = Seed.Generator(0);
var mnist = torch.rand(new long[] { 64, 1, 28, 28 }, generator: g).gt(0.7).to(torch.float32);
var digits = Digits.Load(Device.Cpu).Images.narrow(0, 0, 64).reshape(-1, 1, 8, 8);
var cases = new (string Name, Func<(torch.nn.Module, Func<torch.Tensor>)> Make)[]
{
    ("pixelcnn 1x28x28 f32 b2, batch 64", () => { var m = Autoregressive.PixelCnn(1, 28, 28).WithFilters(32).WithResidualBlocks(2).Compile(Device.Cpu, seed: 0); m.CheckValues = false; return (m, () => -m.LogProb(mnist).mean()); }),
    ("pixelcnn 1x8x8 f16 b1 (tests), batch 64", () => { var x = digits.ge(8).to(torch.float32); var m = Autoregressive.PixelCnn(1, 8, 8).WithFilters(16).WithResidualBlocks(1).Compile(Device.Cpu, seed: 0); return (m, () => -m.LogProb(x).mean()); }),
    ("gated pixelcnn 1x28x28 f16 l3, batch 64", () => { var m = Autoregressive.GatedPixelCnn(1, 28, 28).WithFilters(16).WithLayers(3).Compile(Device.Cpu, seed: 0); return (m, () => -m.LogProb(mnist).mean()); }),
    ("conv vae 1x28x28 enc 32,64 dec 64,32, batch 64", () => { var m = Latent.Vae(1, 28, 28, 16).WithEncoder(Net.ConvEncoder(32, 64)).WithDecoder(Net.ConvDecoder(64, 32)).Compile(Device.Cpu, seed: 0); var n = Seed.Generator(1); return (m, () => m.Loss(mnist, 0, n)); }),
    ("glow 1x8x8 2 levels x 2 steps hidden 16, batch 64", () => { var m = ImageFlow.Glow(1, 8, 8, levels: 2, stepsPerLevel: 2, hidden: 16).WithPreprocessing(ImagePreprocessing.Logit(17, 0.05)).Compile(Device.Cpu, seed: 0); var n = Seed.Generator(1); return (m, () => -m.LogProbDequantized(digits, n).mean()); }),
    ("realnvp 1x28x28 2 scales hidden 32 blocks 2, batch 64", () => { var x = mnist * 255; var m = ImageFlow.RealNvp(1, 28, 28, scales: 2, hidden: 32, blocks: 2).WithPreprocessing(ImagePreprocessing.Logit(256, 0.05)).Compile(Device.Cpu, seed: 0); var n = Seed.Generator(1); return (m, () => -m.LogProbDequantized(x, n).mean()); }),
};
foreach (var (name, make) in cases.Where(c => args.Length == 0 || c.Name.StartsWith(args[0])))
{
    var (model, loss) = make();
    using var adam = new FusedAdam(model.parameters(), 1e-4);
    void Step() { using var s = torch.NewDisposeScope(); var l = loss(); adam.ZeroGrad(); l.backward(); adam.Step(); }
    var warm = Stopwatch.StartNew();
    while (warm.Elapsed.TotalSeconds < 2) Step();
    var times = new List<double>();
    for (int r = 0; r < 7; r++)
    {
        var sw = Stopwatch.StartNew(); int steps = 0;
        while (sw.Elapsed.TotalSeconds < 0.7) { Step(); steps++; }
        times.Add(sw.Elapsed.TotalMilliseconds / steps);
    }
    times.Sort();
    Console.WriteLine($"{name}\t{times[3]:F2}");
    model.Dispose();
}

using System;
using System.Collections.Generic;
using System.IO;
using Gen.Data;
using Gen.Dsl;
using Gen.Optimization;
using TorchSharp;

namespace Gen.Bench;

/// <summary>
/// Exports what bench/interop/made_loglik.py checks against PyTorch: a MADE trained briefly on the binarised 8x8
/// digits, its weights (with the masks) as safetensors, and a batch of held-out digits with Gen's log-likelihoods.
/// </summary>
internal static class Interop
{
    public static void Export(string directory)
    {
        Directory.CreateDirectory(directory);
        var digits = (Digits.Load(Device.Cpu).Images.reshape(-1, 64) / 16).gt(0.5).to(torch.float32);
        var (train, test) = (digits[..1400], digits[1400..]);
        using var model = Autoregressive.Made(64, 128, 128).Compile(Device.Cpu, seed: 0);
        using var adam = new FusedAdam(model.parameters(), 1e-3);
        new Trainer(model, adam, x => -model.LogProb(x).mean(), new TrainingOptions { Epochs = 20, BatchSize = 100, ProgressEvery = 1000 }).Fit(train);
        model.eval();
        using var noGrad = torch.no_grad();
        var logp = model.LogProb(test);
        SafeTensors.Save(Path.Combine(directory, "made.safetensors"), model);
        SafeTensors.Write(Path.Combine(directory, "batch.safetensors"), new Dictionary<string, torch.Tensor> { ["x"] = test, ["logp"] = logp });
        Console.WriteLine($"wrote {directory}: MADE 64-128-128, {test.shape[0]} held-out digits, Gen's mean log p {logp.mean().ToDouble():F4} nats");
    }
}

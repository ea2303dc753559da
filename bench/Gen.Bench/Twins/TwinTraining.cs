using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Text.Json;
using Gen.Data;
using Gen.Dsl;
using Gen.Optimization;
using TorchSharp;

namespace Gen.Bench;

/// <summary>
/// Gen's half of the PyTorch twin run (bench/interop/twin_train.py is the other): a MADE 784-500 or a VAE
/// 784-200-200-50 (tanh, Burda et al.'s) on the binarized MNIST of Larochelle and Murray, trained with Adam from initial
/// weights and a minibatch order that both sides read from the same files, so that any difference between the two
/// learning curves is the implementations', not the budget's (the VAE's posterior noise is each side's own, so its
/// curves agree only to within that noise). Writes DIR/init-MODEL-SEED.safetensors (the initial state dict),
/// DIR/order-MODEL-SEED.safetensors (each epoch's permutation) and DIR/gen-MODEL-SEED.json (the curve: the mean training
/// loss of every window of steps, the validation NLL, or negative ELBO, after every epoch).
/// </summary>
internal static class TwinTraining
{
    public const int Window = 100;

    public static int Run(string directory, string kind, long seed, int epochs, int limit, double learningRate)
    {
        Directory.CreateDirectory(directory);
        var source = DataSource.Default.WithDownload(false);
        var train = BinarizedMnist.Load(BinarizedMnistSplit.Train, Device.Cpu, ImageLayout.Flat, source);
        var valid = BinarizedMnist.Load(BinarizedMnistSplit.Valid, Device.Cpu, ImageLayout.Flat, source);
        if (limit > 0)
        {
            (train, valid) = (train.narrow(0, 0, Math.Min(limit, train.shape[0])), valid.narrow(0, 0, Math.Min(limit, valid.shape[0])));
        }

        using var noise = Seed.Generator(seed + 2000);
        using var validationNoise = Seed.Generator(seed + 3000);
        var net = Net.Mlp(200, 200).WithActivation(Activation.Tanh);
        using torch.nn.Module model = kind switch
        {
            "made" => Autoregressive.Made(784, 500).Compile(Device.Cpu, seed: seed),
            "vae" => Latent.Vae(784, 50).WithEncoder(net).WithDecoder(net).Compile(Device.Cpu, seed: seed),
            _ => throw new KeyNotFoundException($"twin-train: no model '{kind}'; the models are made and vae"),
        };
        Func<torch.Tensor, torch.Tensor> loss = model switch
        {
            MadeModel made => x => -made.LogProb(x).mean(),
            VaeModel vae => x => -vae.Elbo(x, noise).mean(),
            _ => throw new InvalidOperationException(),
        };
        Func<torch.Tensor, torch.Tensor> score = model switch
        {
            MadeModel made => x => -made.LogProb(x),
            VaeModel vae => x => -vae.Elbo(x, validationNoise),
            _ => throw new InvalidOperationException(),
        };
        SafeTensors.Save(Path.Combine(directory, $"init-{kind}-{seed}.safetensors"), model);
        using var shuffle = Seed.Generator(seed + 1000);
        var orders = Enumerable.Range(0, epochs).Select(_ => torch.randperm(train.shape[0], generator: shuffle)).ToArray();
        SafeTensors.Write(Path.Combine(directory, $"order-{kind}-{seed}.safetensors"), new Dictionary<string, torch.Tensor> { ["order"] = torch.stack(orders) });

        using var adam = new FusedAdam(model.parameters(), learningRate);
        var windows = new List<double>();
        var validation = new List<double>();
        double sum = 0;
        int count = 0;
        var clock = Stopwatch.StartNew();
        for (int epoch = 0; epoch < epochs; epoch++)
        {
            for (long start = 0; start < train.shape[0]; start += 100)
            {
                using var scope = torch.NewDisposeScope();
                var batch = train.index_select(0, orders[epoch].narrow(0, start, Math.Min(100, train.shape[0] - start)));
                adam.ZeroGrad();
                var l = loss(batch);
                l.backward();
                adam.Step();
                sum += l.item<float>();
                if (++count == Window)
                {
                    windows.Add(sum / Window);
                    (sum, count) = (0, 0);
                }
            }

            using (torch.no_grad())
            {
                validation.Add(QualityContext.Mean(score, valid, 1000));
            }

            Console.Error.WriteLine(string.Create(CultureInfo.InvariantCulture, $"gen {kind} seed {seed}: epoch {epoch + 1}, validation {validation[^1]:F3}, {clock.Elapsed.TotalSeconds:F0} s"));
        }

        var curve = new Dictionary<string, object>
        {
            ["implementation"] = $"Gen (TorchSharp {typeof(torch).Assembly.GetName().Version}, libtorch 2.10)",
            ["model"] = kind,
            ["seed"] = seed,
            ["window"] = Window,
            ["train_windows"] = windows,
            ["validation"] = validation,
            ["seconds"] = clock.Elapsed.TotalSeconds,
            ["threads"] = torch.get_num_threads(),
        };
        File.WriteAllText(Path.Combine(directory, $"gen-{kind}-{seed}.json"), JsonSerializer.Serialize(curve, Json.Options));
        return 0;
    }
}

using System;
using System.Linq;
using Gen;
using Gen.Dsl;
using Gen.Optimization;
using HostileProbes.Training;
using TorchSharp;

namespace HostileProbes.Kills;

/// <summary>
/// The child processes that are killed: <c>save-loop PATH</c> saves a MADE of 3.2 million parameters (a 26 MB file)
/// over and over (after one save elsewhere to warm up), every parameter set to the number of the save, and prints
/// "saved N" after each save returns;
/// <c>train-loop PATH</c> trains the moons flow for many epochs with a checkpoint after each. Both print "ready" once
/// the model is built, so that kills land in the saving, not in the start-up.
/// </summary>
internal static class SaveLoop
{
    /// <summary>The model saved in the loop.</summary>
    public const string ModelSource = "Autoregressive.Made(784, 2048).Compile(Device.Cpu, seed: 0)";

    public static torch.nn.Module Model() => Autoregressive.Made(784, 2048).Compile(Device.Cpu, seed: 0);

    public static int Saves(string path)
    {
        using var model = Model();
        // One save to a file of its own first, so that the kills meet saves at full speed rather than the first, slower one.
        var warmUp = path + ".warm-up";
        Gen.Dsl.Model.Save(warmUp, model);
        System.IO.File.Delete(warmUp);
        Console.WriteLine("ready");
        Console.Out.Flush();
        for (long k = 1; ; k++)
        {
            Fill(model, k);
            Gen.Dsl.Model.Save(path, model);
            Console.WriteLine($"saved {k}");
            Console.Out.Flush();
        }
    }

    public static int Trains(string path)
    {
        using var model = MoonsRun.Model();
        using var adam = new FusedAdam(model.parameters(), 1e-3);
        using var x = MoonsRun.Moons();
        Console.WriteLine("ready");
        Console.Out.Flush();
        var trainer = MoonsRun.Trainer(model, adam, MoonsRun.Options(path, 100_000));
        trainer.Fit(x);
        return 0;
    }

    /// <summary>Sets every parameter of <paramref name="model"/> to <paramref name="value"/>, so a file tells which save wrote it.</summary>
    public static void Fill(torch.nn.Module model, long value)
    {
        using var noGrad = torch.no_grad();
        foreach (var p in model.parameters())
        {
            p.fill_(value);
        }
    }

    /// <summary>The one value every parameter of a model loaded from <paramref name="path"/> holds, or null when they differ.</summary>
    public static double? Value(string path)
    {
        using var model = Gen.Dsl.Model.Load(path, Device.Cpu);
        var values = model.parameters().Select(p => (p.min().item<float>(), p.max().item<float>())).ToArray();
        return values.All(v => v.Item1 == values[0].Item1 && v.Item2 == values[0].Item1) ? values[0].Item1 : null;
    }
}

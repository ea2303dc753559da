using System;
using System.Linq;
using Gen.Runtime;
using HostileProbes.Harness;
using TorchSharp;

// One program, several roles: `run` supervises every category and writes the report; the other commands are the child
// processes it starts (a category of probes, a save to be killed, a runtime load with a hostile cache). Only the roles
// that compute load the native runtime, through Gen first (TorchSharp alone does not load on every Linux).
return args.FirstOrDefault() switch
{
    "run" => RunCommand.Run(args[1..]),
    "category" => WithTorch(() => CategoryRunner.Run(args[1], int.Parse(args[2], System.Globalization.CultureInfo.InvariantCulture))),
    "save-loop" => WithTorch(() => HostileProbes.Kills.SaveLoop.Saves(args[1])),
    "train-loop" => WithTorch(() => HostileProbes.Kills.SaveLoop.Trains(args[1])),
    "runtime" => HostileProbes.NativeCache.RuntimeChild.Run(),
    "list" => List(),
    _ => Usage(),
};

static int WithTorch(Func<int> role)
{
    GenRuntime.EnsureLoaded();
    torch.set_num_threads(1);
    return role();
}

static int List()
{
    foreach (var (name, title) in Catalog.Categories)
    {
        Console.WriteLine($"{name}\t{Catalog.Probes(name).Count}\t{title}");
    }

    return 0;
}

static int Usage()
{
    Console.Error.WriteLine("usage: HostileProbes run [--out DIR] [--categories a,b] [--command TEXT] | list");
    return 2;
}

using System;
using System.Collections.Generic;
using System.Linq;
using Gen.Bench;

// Benchmarks and device checks. Sub-commands:
//   probe [--device cuda]                      runtime, CUDA and CPU/device parity check
//   speed [--device D] [--cases a,b] [--rounds R] [--steps S] [--warmup W] [--json FILE]
//   breakdown [--device D] [--cases a,b] [--steps S]   forward / backward / update time per step
//   list                                       the speed cases
var cases = new[]
{
    RealNvpCases.Create("realnvp2d-b256", features: 2, couplings: 8, hidden: 64, batch: 256),
    RealNvpCases.Create("realnvp784-b100", features: 784, couplings: 8, hidden: 1024, batch: 100),
    RealNvpCases.Create("realnvp784-b1000", features: 784, couplings: 8, hidden: 1024, batch: 1000),
    MadeCases.Create("made784-b100", features: 784, hidden: new[] { 500, 500 }, batch: 100),
    MadeCases.Create("made784-b1000", features: 784, hidden: new[] { 500, 500 }, batch: 1000),
    PixelCnnCases.Create("pixelcnn28-small-b64", filters: 32, blocks: 2, batch: 64),
    PixelCnnCases.Create("pixelcnn28-b256", filters: 256, blocks: 8, batch: 256),
};

if (args.Length == 0 || args[0] is "-h" or "--help")
{
    Console.WriteLine("usage: Gen.Bench probe|speed|list [--device cpu|cuda[:N]] [--cases a,b] [--rounds R] [--steps S] [--warmup W] [--json FILE]");
    return 0;
}

var options = new Dictionary<string, string>();
for (int i = 1; i < args.Length; i++)
{
    if (!args[i].StartsWith("--", StringComparison.Ordinal) || i + 1 >= args.Length)
    {
        Console.Error.WriteLine($"unexpected argument '{args[i]}'");
        return 2;
    }

    options[args[i][2..]] = args[++i];
}

string Get(string key, string fallback) => options.TryGetValue(key, out var v) ? v : fallback;
var device = Gen.Device.Parse(Get("device", "cpu"));

switch (args[0])
{
    case "probe":
        return Probe.Run(device);
    case "list":
        foreach (var c in cases)
        {
            Console.WriteLine($"{c.Name}\t{c.Description}");
        }

        return 0;
    case "breakdown":
        foreach (var name in Get("cases", cases[0].Name).Split(',', StringSplitOptions.RemoveEmptyEntries))
        {
            Breakdown.Run(cases.First(c => c.Name == name), device, int.Parse(Get("steps", "50")));
        }

        return 0;
    case "speed":
        var names = Get("cases", string.Join(",", cases.Select(c => c.Name))).Split(',', StringSplitOptions.RemoveEmptyEntries);
        var unknown = names.Where(n => cases.All(c => c.Name != n)).ToArray();
        if (unknown.Length > 0)
        {
            Console.Error.WriteLine($"unknown case(s): {string.Join(", ", unknown)}; known: {string.Join(", ", cases.Select(c => c.Name))}");
            return 2;
        }

        return Speed.Run(new Speed.Options(
            device,
            names.Select(n => cases.First(c => c.Name == n)).ToArray(),
            Warmup: int.Parse(Get("warmup", "10")),
            Rounds: int.Parse(Get("rounds", "10")),
            StepsPerRound: int.Parse(Get("steps", "20")),
            JsonPath: options.GetValueOrDefault("json")));
    default:
        Console.Error.WriteLine($"unknown command '{args[0]}'");
        return 2;
}

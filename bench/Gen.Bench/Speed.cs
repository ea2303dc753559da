using System;
using System.Collections.Generic;
using System.IO;
using System.Text.Json;
using TorchSharp;

namespace Gen.Bench;

/// <summary>
/// The speed command: times training steps (and, where asked, the log-likelihood alone) of Gen models against
/// hand-written TorchSharp in the same process, in paired rounds, after checking that both compute the same losses.
/// </summary>
internal static class Speed
{
    /// <summary>Runs the cases in order, prints a line each, and writes the rows to <paramref name="jsonPath"/> when given.</summary>
    public static int Run(torch.Device device, IReadOnlyList<SpeedCase> cases, TimingSettings settings, string? jsonPath)
    {
        var rows = new List<Dictionary<string, object?>>();
        bool agree = true;
        foreach (var c in cases)
        {
            Console.WriteLine($"{c.Name}: {c.Description}");
            var result = CaseResult.Measure(c, device, settings);
            Console.WriteLine($"  {result.Losses.Format()}");
            Console.WriteLine($"  train step: {result.Train.Format()}");
            if (result.LogProb is not null)
            {
                Console.WriteLine($"  log-likelihood: {result.LogProb.Format()}");
            }

            agree &= result.Losses.Agree;
            rows.Add(result.ToJson(device, null));
        }

        if (jsonPath != null)
        {
            File.WriteAllText(jsonPath, JsonSerializer.Serialize(rows, Json.Options));
        }

        return agree ? 0 : 1;
    }
}

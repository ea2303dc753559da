using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text.Json;
using TorchSharp;

namespace Gen.Bench;

/// <summary>
/// Times training steps of Gen models against hand-written TorchSharp in the same process, alternating rounds
/// so that drift in clocks or temperature falls on both alike.
/// </summary>
internal static class Speed
{
    public sealed record Options(torch.Device Device, IReadOnlyList<SpeedCase> Cases, int Warmup, int Rounds, int StepsPerRound, string? JsonPath);

    public static int Run(Options o)
    {
        var results = new List<Dictionary<string, object?>>();
        foreach (var c in o.Cases)
        {
            Console.WriteLine($"{c.Name}: {c.Description}");
            using var gen = c.Gen(o.Device, 1);
            using var hand = c.HandWritten?.Invoke(o.Device, 1);
            double genLoss0 = gen.Loss();
            double? handLoss0 = hand?.Loss();

            var genTimes = new List<double>();
            var handTimes = new List<double>();
            Timing.Rounds(gen.Run, o.Device, o.Warmup, 0, 1);
            if (hand != null)
            {
                Timing.Rounds(hand.Run, o.Device, o.Warmup, 0, 1);
            }

            for (int r = 0; r < o.Rounds; r++)
            {
                genTimes.Add(Timing.Rounds(gen.Run, o.Device, 0, 1, o.StepsPerRound)[0]);
                if (hand != null)
                {
                    handTimes.Add(Timing.Rounds(hand.Run, o.Device, 0, 1, o.StepsPerRound)[0]);
                }
            }

            var row = new Dictionary<string, object?>
            {
                ["name"] = c.Name,
                ["description"] = c.Description,
                ["device"] = o.Device.ToString(),
                ["gen_step_ms_median"] = 1e3 * Timing.Median(genTimes),
                ["gen_step_ms_min"] = 1e3 * genTimes.Min(),
                ["gen_loss_first"] = genLoss0,
                ["gen_loss_last"] = gen.Loss(),
            };
            string line = $"  gen {1e3 * Timing.Median(genTimes):F3} ms/step";
            if (hand != null)
            {
                var ratios = genTimes.Zip(handTimes, (g, h) => g / h).ToArray();
                row["hand_step_ms_median"] = 1e3 * Timing.Median(handTimes);
                row["hand_step_ms_min"] = 1e3 * handTimes.Min();
                row["ratio_median"] = Timing.Median(ratios);
                row["ratio_min"] = ratios.Min();
                row["ratio_max"] = ratios.Max();
                row["hand_loss_first"] = handLoss0;
                line += $"; hand-written {1e3 * Timing.Median(handTimes):F3} ms/step; ratio {Timing.Median(ratios):F3} [{ratios.Min():F3}, {ratios.Max():F3}]; first loss gen {genLoss0:G6} hand {handLoss0:G6}";
            }

            Console.WriteLine(line);
            results.Add(row);
        }

        if (o.JsonPath != null)
        {
            File.WriteAllText(o.JsonPath, JsonSerializer.Serialize(results, new JsonSerializerOptions { WriteIndented = true }));
        }

        return 0;
    }
}

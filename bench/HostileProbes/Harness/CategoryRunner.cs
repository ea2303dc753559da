using System;
using System.Diagnostics;
using System.Globalization;
using System.Threading;

namespace HostileProbes.Harness;

/// <summary>
/// Runs the probes of one category in this process, from a given index, measuring each act: wall time, peak resident
/// growth and managed allocation. Each act runs on a thread of its own with a large stack, so that a library that
/// recurses without bound shows up as a crash of this process (which the supervisor records) rather than as a probe
/// that looks clean. A refusal over its budget is measured twice more and the least time and memory are kept: on a
/// machine shared with other work a single run can be descheduled for a second.
/// </summary>
internal static class CategoryRunner
{
    // Collecting before every probe would cost more than most probes; the heap is collected once it holds this much.
    private const long CollectAbove = 64L << 20;
    private const int Measurements = 3;

    public static int Run(string category, int from)
    {
        var probes = Catalog.Probes(category);
        for (int i = from; i < probes.Count; i++)
        {
            var probe = probes[i];
            Console.WriteLine($"{Wire.Begin}{i.ToString(CultureInfo.InvariantCulture)} {probe.TimeoutSeconds.ToString(CultureInfo.InvariantCulture)} {probe.Name}");
            Console.Out.Flush();
            var result = Measure(i, probe);
            for (int again = 1; again < Measurements && result.OverBudget; again++)
            {
                var next = Measure(i, probe);
                result = result with
                {
                    Seconds = Math.Min(result.Seconds, next.Seconds),
                    PeakGrowthBytes = Math.Min(result.PeakGrowthBytes, next.PeakGrowthBytes),
                    AllocatedBytes = Math.Min(result.AllocatedBytes, next.AllocatedBytes),
                };
            }

            Console.WriteLine(Wire.Encode(result));
            Console.Out.Flush();
        }

        Console.WriteLine(Wire.Done);
        Console.Out.Flush();
        return 0;
    }

    private static ProbeResult Measure(int index, Probe probe)
    {
        Func<Verdict> act;
        try
        {
            act = probe.Arrange();
        }
        catch (Exception e)
        {
            throw new InvalidOperationException($"probe '{probe.Name}' could not prepare its input", e);
        }

        if (GC.GetTotalMemory(forceFullCollection: false) > CollectAbove)
        {
            GC.Collect();
        }

        long before = ResidentMemory.Current();
        ResidentMemory.ResetPeak();
        long allocated = GC.GetTotalAllocatedBytes(precise: true);
        var clock = Stopwatch.StartNew();
        Verdict verdict;
        try
        {
            verdict = OnOwnThread(act);
        }
        catch (OutOfMemoryException e)
        {
            verdict = new Verdict(Outcome.Exhaustion, e.Message, e.GetType().FullName, Refusal: true);
        }
        catch (Exception e)
        {
            // A probe classifies what it expects; anything that escapes it is an exception nobody documented.
            verdict = new Verdict(Outcome.Raw, $"{e.GetType().FullName}: {e.Message}\n{e.StackTrace}", e.GetType().FullName, Refusal: true);
        }

        clock.Stop();
        long allocatedDelta = GC.GetTotalAllocatedBytes(precise: true) - allocated;
        long peakGrowth = Math.Max(0, ResidentMemory.Peak() - before);
        return new ProbeResult(index, probe.Category, probe.Name, verdict.Outcome, verdict.Detail, verdict.Exception, verdict.Refusal, probe.Budgeted,
            clock.Elapsed.TotalSeconds, peakGrowth, allocatedDelta, probe.Reproduction, verdict.Note);
    }

    private static Verdict OnOwnThread(Func<Verdict> run)
    {
        Verdict? verdict = null;
        Exception? thrown = null;
        var thread = new Thread(() =>
        {
            try
            {
                verdict = run();
            }
            catch (Exception e)
            {
                thrown = e;
            }
        }, maxStackSize: 64 << 20);
        thread.Start();
        thread.Join();
        if (thrown is not null)
        {
            System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw(thrown);
        }

        return verdict!;
    }
}

using System;
using System.Collections.Generic;
using HostileProbes.Checkpoints;
using HostileProbes.Downloads;
using HostileProbes.Kills;
using HostileProbes.NativeCache;
using HostileProbes.Specs;
using HostileProbes.Training;

namespace HostileProbes.Harness;

/// <summary>The categories, in the order they run, and their probes (made the same way in every process, so an index names one probe).</summary>
internal static class Catalog
{
    public static readonly (string Name, string Title)[] Categories =
    {
        (SpecProbes.Category, "1. Bad spec documents"),
        (CheckpointProbes.Category, "2. Damaged and forged checkpoints"),
        (DownloadProbes.Category, "3. Downloads and data files"),
        (TrainingProbes.Category, "4. Training that breaks"),
        (KillProbes.Category, "5. Saves killed part-way"),
        (CacheProbes.Category, "6. Native-library cache"),
    };

    public static IReadOnlyList<Probe> Probes(string category) => category switch
    {
        SpecProbes.Category => SpecProbes.All(),
        CheckpointProbes.Category => CheckpointProbes.All(),
        DownloadProbes.Category => DownloadProbes.All(),
        TrainingProbes.Category => TrainingProbes.All(),
        KillProbes.Category => KillProbes.All(),
        CacheProbes.Category => CacheProbes.All(),
        _ => throw new ArgumentException($"no category '{category}'", nameof(category)),
    };

    public static string Description(string category) => category switch
    {
        SpecProbes.Category => SpecProbes.Description,
        CheckpointProbes.Category => CheckpointProbes.Description,
        DownloadProbes.Category => DownloadProbes.Description,
        TrainingProbes.Category => TrainingProbes.Description,
        KillProbes.Category => KillProbes.Description,
        CacheProbes.Category => CacheProbes.Description,
        _ => "",
    };
}

using System;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Text;
using Gen.Optimization;
using TorchSharp;

namespace Gen.Dsl;

/// <summary>
/// The folder of a resumable run (<see cref="TrainingOptions.ResumeDirectory"/>). Each saved epoch is a subfolder
/// (<c>epoch-000012-…</c>) holding the weights with the optimizer's state (<c>state.ckpt</c>), the best epoch's weights
/// when they differ (<c>best.ckpt</c>) and the record (<c>run.json</c>); the file <c>latest</c> names the subfolder to
/// resume from. A subfolder becomes the latest only once complete and confirmed good (rewriting <c>latest</c> is
/// atomic), so a run killed at any moment resumes from its last confirmed epoch; subfolders left by an interrupted
/// write are removed at the next commit.
/// </summary>
internal sealed class ResumeFolder
{
    private const string LatestName = "latest";
    private const string Prefix = "epoch-";
    private const string StateFile = "state.ckpt";
    private const string BestFile = "best.ckpt";
    private const string RecordFile = "run.json";

    private readonly string directory;

    public ResumeFolder(string directory)
    {
        this.directory = Path.GetFullPath(directory);
        if (File.Exists(this.directory))
        {
            throw new IOException($"{this.directory}: the resume directory is a file; give a folder (it is created when missing).");
        }
    }

    /// <summary>The record of the latest confirmed epoch and its subfolder, or null for a run that has saved none.</summary>
    /// <exception cref="GenCheckpointException">The folder's <c>latest</c> names a subfolder that is missing or damaged.</exception>
    public (ResumeRecord Record, string Folder)? Latest()
    {
        var latest = Path.Combine(directory, LatestName);
        if (!File.Exists(latest))
        {
            return null;
        }

        var name = File.ReadAllText(latest, Encoding.UTF8).Trim();
        var folder = Path.Combine(directory, name);
        var record = Path.Combine(folder, RecordFile);
        if (!name.StartsWith(Prefix, StringComparison.Ordinal) || name.Contains('/', StringComparison.Ordinal) || !File.Exists(record))
        {
            throw new GenCheckpointException(CheckpointError.Corrupted, $"the run's 'latest' names '{name}', which holds no {RecordFile}. Delete the folder to start the run afresh.", latest);
        }

        return (ResumeRecord.Parse(File.ReadAllText(record, Encoding.UTF8), record), folder);
    }

    /// <summary>
    /// Loads a saved epoch: the best epoch's weights into <paramref name="model"/> and handed to
    /// <paramref name="keepBest"/> first (when the run keeps them apart), then the epoch's own weights and the
    /// optimizer's state. Returns whether an optimizer state was loaded.
    /// </summary>
    public bool Load(string folder, ResumeRecord record, torch.nn.Module model, IStepOptimizer optimizer, Action? keepBest)
    {
        if (keepBest is not null && record.HasBestWeights)
        {
            Model.LoadTrainingState(Path.Combine(folder, BestFile), model, null);
            keepBest();
        }

        bool loaded = Model.LoadTrainingState(Path.Combine(folder, StateFile), model, optimizer);
        if (keepBest is not null && !record.HasBestWeights && record.BestEpoch == record.Epoch)
        {
            keepBest();
        }

        return loaded;
    }

    /// <summary>
    /// Writes a new subfolder for the epoch of <paramref name="record"/>: the model's weights with the optimizer's state,
    /// <paramref name="best"/>'s weights when given, and the record. It is not yet the one to resume from
    /// (<see cref="Commit"/>). Returns its path.
    /// </summary>
    public string Write(ResumeRecord record, torch.nn.Module model, IStepOptimizer optimizer, TrainingSnapshot? best)
    {
        Directory.CreateDirectory(directory);
        var folder = Path.Combine(directory, string.Create(CultureInfo.InvariantCulture, $"{Prefix}{record.Epoch:D6}-{Guid.NewGuid():N}"));
        Directory.CreateDirectory(folder);
        try
        {
            Model.SaveTrainingState(Path.Combine(folder, StateFile), model, optimizer);
            if (best is not null)
            {
                Model.SaveTrainingState(Path.Combine(folder, BestFile), model, null, StateDictBlock.Plan(best.Entries(model)));
            }

            // Last, so that a subfolder with a record is complete.
            AtomicFile.Write(Path.Combine(folder, RecordFile), stream => stream.Write(Encoding.UTF8.GetBytes(record.ToJson())));
            return folder;
        }
        catch
        {
            Discard(folder);
            throw;
        }
    }

    /// <summary>Makes <paramref name="folder"/> the one to resume from, and removes every other subfolder.</summary>
    public void Commit(string folder)
    {
        var name = Path.GetFileName(folder);
        AtomicFile.Write(Path.Combine(directory, LatestName), stream => stream.Write(Encoding.UTF8.GetBytes(name)));
        foreach (var other in Directory.GetDirectories(directory, Prefix + "*").Where(d => Path.GetFileName(d) != name))
        {
            Discard(other);
        }
    }

    /// <summary>Removes a subfolder that will not be resumed from (best effort: a leftover is removed at the next commit).</summary>
    public static void Discard(string folder)
    {
        try
        {
            Directory.Delete(folder, recursive: true);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
        }
    }
}

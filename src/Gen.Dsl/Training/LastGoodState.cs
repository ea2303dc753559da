using System;
using System.IO;
using Gen.Optimization;
using TorchSharp;

namespace Gen.Dsl;

/// <summary>
/// The trainer's last good state, and the end-of-epoch state that waits to become it. A step's loss is computed before
/// that step updates the weights, so the weights an epoch ends with are only known to be good once a later loss at them
/// is finite: the next checked step's, or the validation loss. Until then they are pending, and so is their checkpoint,
/// written beside the target and moved over it only when confirmed; a failure puts the last good state back and
/// discards the pending one, so broken weights never become the last good state or the checkpoint.
/// </summary>
internal sealed class LastGoodState : IDisposable
{
    private readonly torch.nn.Module model;
    private readonly IStepOptimizer optimizer;
    private readonly string? checkpoint;
    private readonly ResumeFolder? resume;
    private TrainingSnapshot good;
    private TrainingSnapshot? pending;
    private bool pendingCheckpoint;
    private string? pendingResume;

    public LastGoodState(torch.nn.Module model, IStepOptimizer optimizer, string? checkpoint, ResumeFolder? resume, int epoch)
    {
        this.model = model;
        this.optimizer = optimizer;
        this.checkpoint = checkpoint;
        this.resume = resume;
        good = new TrainingSnapshot(model, optimizer, epoch);
    }

    /// <summary>Whether a proposed state waits for a finite loss to confirm it.</summary>
    public bool HasPending => pending is not null;

    /// <summary>The epoch whose state a failure restores (0: the start of the training run).</summary>
    public int Epoch => good.Epoch;

    /// <summary>
    /// The state at the end of <paramref name="epoch"/> is proposed: kept pending, with its checkpoint (when
    /// <paramref name="save"/>) written beside the target and its resume point (when <paramref name="writeResume"/> is
    /// given, which writes it and returns its subfolder) written but not yet latest, until <see cref="Confirm"/>. A
    /// proposal that was never confirmed is dropped for the newer one.
    /// </summary>
    public void Propose(int epoch, bool save, Func<string>? writeResume)
    {
        DropPending();
        pending = new TrainingSnapshot(model, optimizer, epoch);
        if (save && checkpoint is not null)
        {
            Model.Save(PendingPath(checkpoint), model, optimizer);
            pendingCheckpoint = true;
        }

        pendingResume = writeResume?.Invoke();
    }

    /// <summary>A finite loss at or after the pending state: it becomes the last good state, its checkpoint the checkpoint.</summary>
    public void Confirm()
    {
        if (pending is null)
        {
            return;
        }

        good.Dispose();
        good = pending;
        pending = null;
        if (pendingCheckpoint)
        {
            File.Move(PendingPath(checkpoint!), checkpoint!, overwrite: true);
            pendingCheckpoint = false;
        }

        if (pendingResume is not null)
        {
            resume!.Commit(pendingResume);
            pendingResume = null;
        }
    }

    /// <summary>Training failed: the last good parameters, buffers and optimizer state are put back.</summary>
    public void Restore()
    {
        DropPending();
        good.Restore(model);
    }

    public void Dispose()
    {
        DropPending();
        good.Dispose();
    }

    // Beside the target, so that moving it there is a rename within one folder.
    private static string PendingPath(string path) =>
        Path.Combine(Path.GetDirectoryName(Path.GetFullPath(path))!, "." + Path.GetFileName(path) + ".unconfirmed");

    private void DropPending()
    {
        pending?.Dispose();
        pending = null;
        if (pendingCheckpoint)
        {
            File.Delete(PendingPath(checkpoint!));
            pendingCheckpoint = false;
        }

        if (pendingResume is not null)
        {
            ResumeFolder.Discard(pendingResume);
            pendingResume = null;
        }
    }
}

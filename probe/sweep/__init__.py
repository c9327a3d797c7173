"""Sweeps: YAML grids of models × datasets × conditions × variants, run per model, resumable shard by shard.

    probe sweep experiments/cpu-default.yaml --executor local --out runs/cpu-default
    probe status runs/cpu-default
    probe collect runs/cpu-default
"""
from .launch import launch, sbatch_script, slurm_parameters
from .runner import run_model
from .store import Store

__all__ = ["Store", "launch", "run_model", "sbatch_script", "slurm_parameters"]

#!/bin/bash

# Parameters
#SBATCH --cpus-per-task=16
#SBATCH --error=/RUN/slurm/%j/%j_0_log.err
#SBATCH --gpus-per-node=4
#SBATCH --job-name=probe-qwen25-ladder
#SBATCH --mem=128GB
#SBATCH --nodes=1
#SBATCH --ntasks-per-node=1
#SBATCH --open-mode=append
#SBATCH --output=/RUN/slurm/%j/%j_0_log.out
#SBATCH --partition=gpu
#SBATCH --signal=USR2@120
#SBATCH --time=480
#SBATCH --wckey=submitit

# command
export SUBMITIT_EXECUTOR=slurm
srun --unbuffered --output /RUN/slurm/%j/%j_%t_log.out --error /RUN/slurm/%j/%j_%t_log.err PYTHON -u -m submitit.core._submit /RUN/slurm/%j


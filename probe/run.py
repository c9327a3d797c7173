def add_run_args(p):
    p.add_argument("config")

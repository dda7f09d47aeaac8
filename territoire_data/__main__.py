from territoire_data.cli import run

run()

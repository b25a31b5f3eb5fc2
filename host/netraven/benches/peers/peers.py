"""Back up every device of a netraven-sim inventory with Netmiko or scrapli.

Usage: peers.py netmiko|scrapli INVENTORY THREADS

Each device: log in, `show running-config`, log out; a thread pool of
THREADS does them. Prints one line: the tool, devices backed up, failures,
seconds. Talks only to the addresses in the inventory (netraven-sim on
loopback). Install the peers with `pip install netmiko scrapli`.
"""
import sys
import time
import tomllib
from concurrent.futures import ThreadPoolExecutor


def netmiko_backup(dev, user, password):
    from netmiko import ConnectHandler
    conn = ConnectHandler(device_type="cisco_ios", host=dev["address"], port=dev["port"],
                          username=user, password=password)
    try:
        return conn.send_command("show running-config")
    finally:
        conn.disconnect()


def scrapli_backup(dev, user, password):
    from scrapli.auth import Options as Auth
    from scrapli.cli import Cli
    with Cli(host=dev["address"], port=dev["port"], definition_file_or_name="cisco_iosxe",
             auth_options=Auth(username=user, password=password)) as cli:
        return cli.send_input("show running-config").result


def main():
    tool, inventory, threads = sys.argv[1], sys.argv[2], int(sys.argv[3])
    with open(inventory, "rb") as f:
        lab = tomllib.load(f)
    user, password = lab["defaults"]["user"], lab["defaults"]["password"]
    backup = {"netmiko": netmiko_backup, "scrapli": scrapli_backup}[tool]
    devices = lab["devices"]

    def one(dev):
        try:
            return "hostname" in backup(dev, user, password)
        except Exception as e:  # a failed device counts, the run goes on
            print(f"{tool}: {dev['name']}: {type(e).__name__}: {e}", file=sys.stderr)
            return False

    started = time.monotonic()
    with ThreadPoolExecutor(max_workers=threads) as pool:
        ok = sum(pool.map(one, devices))
    elapsed = time.monotonic() - started
    print(f"{tool:8} threads={threads:<4} devices={len(devices)} ok={ok} failed={len(devices) - ok} seconds={elapsed:.2f}")


if __name__ == "__main__":
    main()

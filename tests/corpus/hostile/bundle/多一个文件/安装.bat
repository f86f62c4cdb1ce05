@echo off
echo °²×°
